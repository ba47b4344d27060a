"""The edit page's form and a version's text, both ways, with no HTTP and no database.

A field's name is its path in the text joined by dots (``content.procedure.0.steps.1.title.ar``)
and its id the same path joined by hyphens (``content-procedure-0-steps-1-title-ar``), so the
JSON pointer of a problem (``#/content/procedure/0/steps/1/title/ar``) names the field it is
about. On the page the content is always *normalized*: every list present, every optional
text a dict of the version's languages (blank when absent), so that a text read from the
database and the same text posted back compare equal.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sopengine.domain.content import SopContent
from sopengine.errors import FieldError, ValidationFailed, pointer

ITEM_TEXTS: dict[str, tuple[str, ...]] = {
    "definitions": ("term", "definition"),
    "references": ("title",),
    "responsibilities": ("duties",),
    "records": ("name", "retention"),
    "annexes": ("title", "body"),
}
"""The localized texts of each item list's items, in the order the form shows them."""
ITEM_CODES: dict[str, tuple[str, ...]] = {
    "references": ("citation",),
    "responsibilities": ("ministry",),
    "records": ("kept_by",),
}
"""Their plain (not localized) fields."""
OPTIONAL_TEXTS = frozenset({"description", "time_limit", "retention"})
"""Texts that may be left out: blank in every language means absent."""
STEP_TEXTS = ("title", "description", "time_limit")
STEP_LISTS = ("inputs", "outputs")
MULTIPLE = frozenset({"supporting", "required_ministries"})
"""Fields sent as several values of one name (checkboxes)."""
MAX_NAME_PARTS = 40
"""Deeper names than any valid text has are refused (they could only be forged)."""

Json = dict[str, Any]


@dataclass
class Draft:
    """What the form holds: the signable fields a drafter edits, and the change summary."""

    languages: list[str]
    title: dict[str, str]
    required_ministries: list[str]
    content: Json
    change_summary: str = ""


def draft_of(
    languages: Sequence[str],
    title: Mapping[str, str],
    required_ministries: Iterable[str],
    content: Mapping[str, Any],
    change_summary: str = "",
) -> Draft:
    """A stored text as the form shows it."""
    langs = list(languages)
    return Draft(
        langs,
        localized(title, langs),
        list(required_ministries),
        normalize(content, langs),
        change_summary,
    )


# --- normalizing ------------------------------------------------------------------------------


def localized(value: Any, languages: Sequence[str]) -> dict[str, str]:
    given = value if isinstance(value, Mapping) else {}
    return {lang: _str(given.get(lang)) for lang in languages}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _codes(value: Any) -> list[str]:
    return [v for v in _list(value) if isinstance(v, str)]


def normalize(content: Mapping[str, Any], languages: Sequence[str]) -> Json:
    """Every section and field present, texts in exactly the version's languages."""
    out: Json = {
        "purpose": localized(content.get("purpose"), languages),
        "scope": localized(content.get("scope"), languages),
    }
    for section in ("definitions", "references", "responsibilities"):
        out[section] = [
            normalize_item(section, raw, languages) for raw in _list(content.get(section))
        ]
    out["procedure"] = [normalize_step(raw, languages) for raw in _list(content.get("procedure"))]
    for section in ("records", "annexes"):
        out[section] = [
            normalize_item(section, raw, languages) for raw in _list(content.get(section))
        ]
    return out


def normalize_item(section: str, raw: Any, languages: Sequence[str]) -> Json:
    given = raw if isinstance(raw, Mapping) else {}
    item: Json = {name: localized(given.get(name), languages) for name in ITEM_TEXTS[section]}
    item.update({name: _str(given.get(name)) for name in ITEM_CODES.get(section, ())})
    return item


def normalize_step(raw: Any, languages: Sequence[str]) -> Json:
    given = raw if isinstance(raw, Mapping) else {}
    return {
        "id": _str(given.get("id")),
        "actor": _str(given.get("actor")),
        "supporting": _codes(given.get("supporting")),
        **{name: localized(given.get(name), languages) for name in STEP_TEXTS},
        **{name: [localized(t, languages) for t in _list(given.get(name))] for name in STEP_LISTS},
        "steps": [normalize_step(s, languages) for s in _list(given.get("steps"))],
    }


def walk_steps(steps: list[Json]) -> Iterator[Json]:
    """Every step of a normalized procedure, depth first."""
    for step in steps:
        yield step
        yield from walk_steps(step["steps"])


def step_ids(content: Json) -> set[str]:
    return {step["id"] for step in walk_steps(content["procedure"])}


# --- reading the posted form ------------------------------------------------------------------


def parse(items: Iterable[tuple[str, Any]], languages: Sequence[str]) -> Draft:
    """The draft a posted form holds; names that are not part of the text are left out."""
    tree: Json = {}
    title: dict[str, str] = {}
    required: list[str] = []
    summary = ""
    for name, value in items:
        if not isinstance(value, str):
            continue
        value = value.replace("\r\n", "\n")
        parts = name.split(".")
        if parts[0] == "content" and 1 < len(parts) <= MAX_NAME_PARTS:
            _put(tree, parts[1:], value)
        elif parts[0] == "title" and len(parts) == 2:
            title[parts[1]] = value
        elif name == "required_ministries":
            required.append(value)
        elif name == "change_summary":
            summary = value.strip()
    return Draft(
        list(languages),
        localized(title, languages),
        list(dict.fromkeys(required)),
        normalize(_as_lists(tree), languages),
        summary,
    )


def _put(tree: Json, parts: list[str], value: str) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return
        node = child
    last = parts[-1]
    if last in MULTIPLE:
        listed = node.setdefault(last, [])
        if isinstance(listed, list):
            listed.append(value)
    elif last not in node:
        node[last] = value


def _as_lists(node: Any) -> Any:
    """Dicts keyed by indices become lists, in index order (gaps closed)."""
    if not isinstance(node, dict):
        return node
    converted = {key: _as_lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


# --- writing the content ----------------------------------------------------------------------


def to_content(draft: Draft) -> SopContent:
    """The content to store; blank optional texts are left out. A structural problem (a step
    id with a space, a ministry not chosen) is a ``ValidationFailed`` with pointers."""
    data = _without_blanks(draft.content)
    try:
        return SopContent.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed(
            [
                FieldError(
                    pointer("content", *(p for p in e["loc"] if p != "[key]")),
                    e["msg"],
                )
                for e in error.errors()
            ]
        ) from error


def _without_blanks(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_blanks(item) for item in node]
    if isinstance(node, dict):
        return {
            key: _without_blanks(value)
            for key, value in node.items()
            if not (key in OPTIONAL_TEXTS and isinstance(value, dict) and _blank(value))
        }
    return node


def _blank(text: Mapping[str, Any]) -> bool:
    return all(not (isinstance(v, str) and v.strip()) for v in text.values())


# --- field ids and problem pointers -----------------------------------------------------------


def field_id(*parts: str | int) -> str:
    return "-".join(str(p) for p in parts)


def pointer_parts(value: str) -> list[str]:
    """``#/content/procedure/0/title/ar`` → ``["content", "procedure", "0", "title", "ar"]``."""
    body = value.removeprefix("#").removeprefix("/")
    if not body:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in body.split("/")]


def field_ids(draft: Draft) -> set[str]:
    """Every id the form gives a field or a group of fields, so a problem can point at one."""
    ids = {"required_ministries", "change_summary"}

    def walk(node: Any, *path: str | int) -> None:
        if path[-1] != "steps":  # sub-steps are shown inside their step, with no group of their own
            ids.add(field_id(*path))
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, *path, key)
        elif isinstance(node, list) and path[-1] != "supporting":  # ticks, one group
            for index, value in enumerate(node):
                walk(value, *path, index)

    walk(draft.title, "title")
    walk(draft.content, "content")
    ids.discard("content")
    return ids


def nearest(candidate: str, known: set[str]) -> str:
    """The id itself when the form has it, else the nearest group's (``a-b-c`` → ``a-b``)."""
    while candidate and candidate not in known:
        candidate = candidate.rpartition("-")[0]
    return candidate or "title"


# --- the text a form was loaded from ----------------------------------------------------------


def encode(value: Any) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode("ascii")


def decode(value: str) -> Any:
    """What ``encode`` made, or None when the value is not that (missing or forged)."""
    if not value or not re.fullmatch(r"[A-Za-z0-9_=-]+", value):
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(value.encode("ascii")))
    except (binascii.Error, ValueError):
        return None
