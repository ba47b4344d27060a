"""The edit page's words: what each field is called, where a problem or a change is, and the
service's validation sentences said the way a form says them ("Enter the Arabic text")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from sopengine.web.labels import N_, SECTIONS

Gettext = Callable[..., str]
MinistryName = Callable[[str], str]


class Names(Protocol):
    def name(self, code: str, lang: str) -> str: ...


LANGUAGES = {"en": N_("English"), "ar": N_("Arabic")}

FIELDS = {
    "title": N_("Title"),
    "purpose": N_("Purpose"),
    "scope": N_("Scope"),
    "term": N_("Term"),
    "definition": N_("Definition"),
    "citation": N_("Citation"),
    "ministry": N_("Ministry"),
    "duties": N_("Duties"),
    "id": N_("Step id"),
    "actor": N_("Done by"),
    "supporting": N_("Supporting ministries"),
    "description": N_("Description"),
    "inputs": N_("Inputs"),
    "outputs": N_("Outputs"),
    "time_limit": N_("Time limit"),
    "name": N_("Name"),
    "kept_by": N_("Kept by"),
    "retention": N_("Kept for"),
    "body": N_("Text"),
}

ITEMS = {
    "definitions": N_("Definition {n}"),
    "references": N_("Reference {n}"),
    "responsibilities": N_("Responsibility {n}"),
    "records": N_("Record {n}"),
    "annexes": N_("Annex {n}"),
}
LIST_ITEMS = {"inputs": N_("Input {n}"), "outputs": N_("Output {n}")}


def language(code: str, _: Gettext) -> str:
    return _(LANGUAGES[code]) if code in LANGUAGES else code


def _field(name: str, rest: Sequence[str], _: Gettext) -> str:
    """``title`` + ``["ar"]`` → "Title (Arabic)"; ``inputs`` + ``["0", "en"]`` → "Input 1 (English)"."""
    words = _(FIELDS[name]) if name in FIELDS else name
    if name in LIST_ITEMS and rest and rest[0].isdigit():
        words, rest = _(LIST_ITEMS[name], n=int(rest[0]) + 1), rest[1:]
    if rest and rest[0] in LANGUAGES:
        words += f" ({language(rest[0], _)})"
    return words


def place(parts: Sequence[str], _: Gettext) -> str:
    """Where a problem is, from its pointer's parts, e.g. "Step 1.2: Title (Arabic)"."""
    if not parts:
        return ""
    head, rest = parts[0], list(parts[1:])
    if head == "title":
        return _field("title", rest, _)
    if head == "required_ministries":
        return _("Ministries that must sign")
    if head == "change_summary":
        return _("Change summary")
    if head != "content" or not rest:
        return "/".join(parts)
    section, rest = rest[0], rest[1:]
    if section in ("purpose", "scope"):
        return _field(section, rest, _)
    if section == "procedure":
        return _step_place(rest, _)
    if section in ITEMS and rest and rest[0].isdigit():
        item = _(ITEMS[section], n=int(rest[0]) + 1)
        return f"{item}: {_field(rest[1], rest[2:], _)}" if len(rest) > 1 else item
    return _(SECTIONS[section]) if section in SECTIONS else "/".join(parts)


def _step_place(rest: list[str], _: Gettext) -> str:
    numbers: list[str] = []
    while rest and rest[0].isdigit():
        numbers.append(str(int(rest[0]) + 1))
        rest = rest[2:] if len(rest) > 1 and rest[1] == "steps" else rest[1:]
    if not numbers:
        return _(SECTIONS["procedure"])
    step = _("Step {number}", number=".".join(numbers))
    return f"{step}: {_field(rest[0], rest[1:], _)}" if rest else step


def change_place(path: str, _: Gettext, names: Names, lang: str) -> str:
    """Where a change is, from the structured diff's path (steps named by id)."""
    parts = path.split("/")
    if parts[0] == "title" or len(parts) < 2:
        return _field("title", [], _)
    section, rest = parts[1], parts[2:]
    if section in ("purpose", "scope"):
        return _field(section, [], _)
    if section == "procedure" and rest:
        return f"{_('Step {number}', number=rest[0])}: {_field(rest[1], rest[2:], _)}"
    if section == "responsibilities" and len(rest) > 1:
        return f"{names.name(rest[0], lang)}: {_field(rest[1], [], _)}"
    if section in ITEMS and len(rest) > 1 and rest[0].isdigit():
        return f"{_(ITEMS[section], n=int(rest[0]) + 1)}: {_field(rest[1], [], _)}"
    return _(SECTIONS[section]) if section in SECTIONS else path


_MINISTRY_FIELDS = frozenset({"actor", "ministry", "kept_by", "supporting"})


def message(detail: str, parts: Sequence[str], _: Gettext, ministry: MinistryName) -> str:
    """A validation sentence said as a form says it, in the viewer's language."""
    if found := re.fullmatch(r"text in '(\w+)' is required", detail):
        return _("Enter the {language} text", language=language(found[1], _))
    if found := re.search(r"missing: (.+)$", detail):
        names = ", ".join(ministry(code.strip()) for code in found[1].split(","))
        return _(
            "Tick the lead ministry and every ministry the procedure names; missing: {ministries}",
            ministries=names,
        )
    if found := re.fullmatch(r"step id '(.*)' is used twice", detail):
        return _("Step id {id} is used twice: give each step its own id", id=found[1])
    if detail == "the actor cannot also be a supporting ministry":
        return _("The ministry that does the step cannot also be a supporting ministry")
    if found := re.fullmatch(r"steps nest at most (\d+) deep", detail):
        return _("Steps can be nested at most {n} levels deep", n=found[1])
    if found := re.search(r"(?:longer than|at most) (\d+) characters", detail):
        return _("Shorten this text to {n} characters or fewer", n=found[1])
    if detail == "ministries must not repeat":
        return _("Tick each ministry only once")
    name = parts[-1] if parts else ""
    if detail.startswith("unknown ministry") or (
        any(p in _MINISTRY_FIELDS for p in parts[-2:]) and "pattern" in detail
    ):
        return _("Choose a ministry from the list")
    if name == "id":
        return _("Enter a step id of letters, digits, dots or hyphens, such as S3.1")
    if found := re.search(r"at most (\d+) (?:items|steps)", detail):
        return _("There can be at most {n} here", n=found[1])
    return _(detail)
