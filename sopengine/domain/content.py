"""The SOP content model: localized texts, sections, nested steps, and the canonical hash.

The structure is validated by pydantic; the rules that depend on the version (its
languages, the ministries that exist, who must sign) are checked by ``check_version_text``
so that every problem is reported at once, each with a JSON pointer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.domain.text import XmlSafe, forbidden_character
from sopengine.errors import FieldError, pointer

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "ar")
RTL_LANGUAGES = frozenset({"ar"})

# Limits no real SOP reaches, which bound the work one text can cause (validation, hashing,
# Word export, comparison). Exceeding one is a 422 with a pointer to where.
MAX_TEXT_CHARS = 20_000
"""Characters in one text in one language (a purpose, a step's description, an input …)."""
MAX_TITLE_CHARS = 300
"""Characters in the version's title, per language."""
MAX_STEPS = 300
"""Steps in the whole procedure, nested steps counted."""
MAX_STEP_INPUTS = 50
"""Inputs of one step."""
MAX_STEP_OUTPUTS = 50
"""Outputs of one step."""
MAX_STEP_DEPTH = 6
"""How deep steps nest (1 = top level)."""
MAX_SUPPORTING = 32
"""Supporting ministries of one step."""
MAX_SECTION_ITEMS = 200
"""Items in each list section: definitions, references, responsibilities, records, annexes."""
MAX_CITATION_CHARS = 500

LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
MinistryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
StepId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS), XmlSafe]
LocalizedText = dict[LanguageCode, Text]
"""A human text keyed by language code: ``{"en": "…", "ar": "…"}``."""

Path = tuple[str | int, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Definition(_Strict):
    term: LocalizedText
    definition: LocalizedText


class Reference(_Strict):
    title: LocalizedText
    citation: Annotated[str, StringConstraints(max_length=MAX_CITATION_CHARS), XmlSafe] = ""


class Responsibility(_Strict):
    ministry: MinistryCode
    duties: LocalizedText


class Step(_Strict):
    id: StepId
    actor: MinistryCode
    supporting: Annotated[list[MinistryCode], Field(max_length=MAX_SUPPORTING)] = []
    title: LocalizedText
    description: LocalizedText | None = None
    inputs: Annotated[list[LocalizedText], Field(max_length=MAX_STEP_INPUTS)] = []
    outputs: Annotated[list[LocalizedText], Field(max_length=MAX_STEP_OUTPUTS)] = []
    time_limit: LocalizedText | None = None
    steps: Annotated[list[Step], Field(max_length=MAX_STEPS)] = []


class RecordKept(_Strict):
    name: LocalizedText
    kept_by: MinistryCode
    retention: LocalizedText | None = None


class Annex(_Strict):
    title: LocalizedText
    body: LocalizedText


class SopContent(_Strict):
    purpose: LocalizedText
    scope: LocalizedText
    definitions: Annotated[list[Definition], Field(max_length=MAX_SECTION_ITEMS)] = []
    references: Annotated[list[Reference], Field(max_length=MAX_SECTION_ITEMS)] = []
    responsibilities: Annotated[list[Responsibility], Field(max_length=MAX_SECTION_ITEMS)] = []
    procedure: Annotated[list[Step], Field(max_length=MAX_STEPS)] = []
    records: Annotated[list[RecordKept], Field(max_length=MAX_SECTION_ITEMS)] = []
    annexes: Annotated[list[Annex], Field(max_length=MAX_SECTION_ITEMS)] = []


SECTIONS: tuple[str, ...] = tuple(SopContent.model_fields)


@dataclass(frozen=True)
class StepAt:
    """A step with where it sits: its JSON path, depth (1 = top level) and outline number."""

    step: Step
    path: Path
    depth: int
    number: str


def walk_steps(
    steps: Sequence[Step], path: Path = ("procedure",), prefix: str = ""
) -> Iterator[StepAt]:
    """Every step, depth first in document order, numbered 1, 1.1, 1.2, 2 …"""
    for index, step in enumerate(steps):
        number = f"{prefix}{index + 1}"
        here = (*path, index)
        yield StepAt(step, here, here.count("steps") + 1, number)
        yield from walk_steps(step.steps, (*here, "steps"), f"{number}.")


def iter_stored_texts(content: Mapping[str, Any]) -> Iterator[tuple[Path, dict[str, str]]]:
    """:func:`iter_texts` over stored (already validated) content JSON, without building the
    model: what a search page reads for the snippets of its rows."""
    yield ("purpose",), content["purpose"]
    yield ("scope",), content["scope"]
    for i, d in enumerate(content.get("definitions", ())):
        yield ("definitions", i, "term"), d["term"]
        yield ("definitions", i, "definition"), d["definition"]
    for i, r in enumerate(content.get("references", ())):
        yield ("references", i, "title"), r["title"]
    for i, resp in enumerate(content.get("responsibilities", ())):
        yield ("responsibilities", i, "duties"), resp["duties"]
    yield from _stored_steps(content.get("procedure", ()), ("procedure",))
    for i, rec in enumerate(content.get("records", ())):
        yield ("records", i, "name"), rec["name"]
        if rec.get("retention") is not None:
            yield ("records", i, "retention"), rec["retention"]
    for i, annex in enumerate(content.get("annexes", ())):
        yield ("annexes", i, "title"), annex["title"]
        yield ("annexes", i, "body"), annex["body"]


def _stored_steps(
    steps: Sequence[Mapping[str, Any]], path: Path
) -> Iterator[tuple[Path, dict[str, str]]]:
    for index, step in enumerate(steps):
        here = (*path, index)
        yield (*here, "title"), step["title"]
        if step.get("description") is not None:
            yield (*here, "description"), step["description"]
        for j, text in enumerate(step.get("inputs", ())):
            yield (*here, "inputs", j), text
        for j, text in enumerate(step.get("outputs", ())):
            yield (*here, "outputs", j), text
        if step.get("time_limit") is not None:
            yield (*here, "time_limit"), step["time_limit"]
        yield from _stored_steps(step.get("steps", ()), (*here, "steps"))


def iter_texts(content: SopContent) -> Iterator[tuple[Path, LocalizedText]]:
    """Every localized text of the content with its JSON path, in document order."""
    yield ("purpose",), content.purpose
    yield ("scope",), content.scope
    for i, d in enumerate(content.definitions):
        yield ("definitions", i, "term"), d.term
        yield ("definitions", i, "definition"), d.definition
    for i, r in enumerate(content.references):
        yield ("references", i, "title"), r.title
    for i, resp in enumerate(content.responsibilities):
        yield ("responsibilities", i, "duties"), resp.duties
    for at in walk_steps(content.procedure):
        s = at.step
        yield (*at.path, "title"), s.title
        if s.description is not None:
            yield (*at.path, "description"), s.description
        for j, text in enumerate(s.inputs):
            yield (*at.path, "inputs", j), text
        for j, text in enumerate(s.outputs):
            yield (*at.path, "outputs", j), text
        if s.time_limit is not None:
            yield (*at.path, "time_limit"), s.time_limit
    for i, rec in enumerate(content.records):
        yield ("records", i, "name"), rec.name
        if rec.retention is not None:
            yield ("records", i, "retention"), rec.retention
    for i, annex in enumerate(content.annexes):
        yield ("annexes", i, "title"), annex.title
        yield ("annexes", i, "body"), annex.body


def named_ministries(content: SopContent) -> Iterator[tuple[Path, str]]:
    """Every ministry code the content mentions, with where."""
    for i, resp in enumerate(content.responsibilities):
        yield ("responsibilities", i, "ministry"), resp.ministry
    for at in walk_steps(content.procedure):
        yield (*at.path, "actor"), at.step.actor
        for j, code in enumerate(at.step.supporting):
            yield (*at.path, "supporting", j), code
    for i, rec in enumerate(content.records):
        yield ("records", i, "kept_by"), rec.kept_by


def procedure_ministries(content: SopContent) -> set[str]:
    """Ministries the procedure names as actor or supporting: each must sign."""
    found: set[str] = set()
    for at in walk_steps(content.procedure):
        found.add(at.step.actor)
        found.update(at.step.supporting)
    return found


def anchors(content: SopContent) -> set[str]:
    """The places a comment may be anchored to: sections, steps by id, items by index."""
    places = set(SECTIONS)
    places.update(f"procedure/{at.step.id}" for at in walk_steps(content.procedure))
    for section in ("definitions", "references", "records", "annexes"):
        places.update(f"{section}/{i}" for i in range(len(getattr(content, section))))
    places.update(f"responsibilities/{r.ministry}" for r in content.responsibilities)
    return places


@dataclass(frozen=True)
class VersionText:
    """Everything a signatory signs: the hash covers exactly these fields."""

    title: LocalizedText
    languages: list[str]
    primary_language: str
    required_ministries: list[str]
    content: SopContent

    def canonical(self) -> dict[str, Any]:
        return {
            "title": dict(sorted(self.title.items())),
            "languages": list(self.languages),
            "primary_language": self.primary_language,
            "required_ministries": sorted(self.required_ministries),
            "content": self.content.model_dump(mode="json"),
        }

    @property
    def content_hash(self) -> str:
        return sha256_canonical(self.canonical())


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_canonical(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def check_version_text(
    text: VersionText, *, lead_ministry: str, known_ministries: Collection[str]
) -> list[FieldError]:
    """All the rules that need the version's context; an empty list means valid."""
    errors: list[FieldError] = []
    languages = text.languages

    if not languages:
        errors.append(FieldError(pointer("languages"), "at least one language is required"))
    if len(set(languages)) != len(languages):
        errors.append(FieldError(pointer("languages"), "languages must not repeat"))
    for i, lang in enumerate(languages):
        if lang not in SUPPORTED_LANGUAGES:
            errors.append(
                FieldError(
                    pointer("languages", i),
                    f"unsupported language {lang!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}",
                )
            )
    if text.primary_language not in languages:
        errors.append(
            FieldError(
                pointer("primary_language"), "the primary language must be one of the languages"
            )
        )

    errors += _check_localized(("title",), text.title, languages, MAX_TITLE_CHARS)
    for path, localized in iter_texts(text.content):
        errors += _check_localized(("content", *path), localized, languages, MAX_TEXT_CHARS)
    for i, reference in enumerate(text.content.references):
        if error := forbidden_character(reference.citation):
            errors.append(FieldError(pointer("content", "references", i, "citation"), error))

    known = set(known_ministries)
    for path, code in named_ministries(text.content):
        if code not in known:
            errors.append(FieldError(pointer("content", *path), f"unknown ministry {code!r}"))
    for i, code in enumerate(text.required_ministries):
        if code not in known:
            errors.append(
                FieldError(pointer("required_ministries", i), f"unknown ministry {code!r}")
            )
    if len(set(text.required_ministries)) != len(text.required_ministries):
        errors.append(FieldError(pointer("required_ministries"), "ministries must not repeat"))

    errors += _check_steps(text.content)

    must_sign = procedure_ministries(text.content) | {lead_ministry}
    missing = sorted(must_sign - set(text.required_ministries))
    if missing:
        errors.append(
            FieldError(
                pointer("required_ministries"),
                "must include the lead ministry and every ministry the procedure names as actor "
                f"or supporting; missing: {', '.join(missing)}",
            )
        )
    return errors


def _check_localized(
    path: Path, localized: LocalizedText, languages: Sequence[str], max_chars: int
) -> list[FieldError]:
    errors = []
    for lang in languages:
        value = localized.get(lang)
        if value is None or not value.strip():
            errors.append(FieldError(pointer(*path, lang), f"text in {lang!r} is required"))
        elif len(value) > max_chars:
            errors.append(FieldError(pointer(*path, lang), f"longer than {max_chars} characters"))
        elif (problem := forbidden_character(value)) is not None:
            errors.append(FieldError(pointer(*path, lang), problem))
    for lang in localized.keys() - set(languages):
        errors.append(
            FieldError(pointer(*path, lang), f"{lang!r} is not one of the version's languages")
        )
    return errors


def _check_steps(content: SopContent) -> list[FieldError]:
    errors = []
    seen: dict[str, Path] = {}
    count = 0
    for at in walk_steps(content.procedure):
        count += 1
        where = ("content", *at.path)
        step = at.step
        if step.id in seen:
            errors.append(FieldError(pointer(*where, "id"), f"step id {step.id!r} is used twice"))
        seen.setdefault(step.id, at.path)
        if at.depth > MAX_STEP_DEPTH:
            errors.append(FieldError(pointer(*where), f"steps nest at most {MAX_STEP_DEPTH} deep"))
        if step.actor in step.supporting:
            errors.append(
                FieldError(
                    pointer(*where, "supporting"), "the actor cannot also be a supporting ministry"
                )
            )
        if len(set(step.supporting)) != len(step.supporting):
            errors.append(FieldError(pointer(*where, "supporting"), "ministries must not repeat"))
    if count > MAX_STEPS:
        errors.append(
            FieldError(
                pointer("content", "procedure"),
                f"at most {MAX_STEPS} steps, nested steps counted; this procedure has {count}",
            )
        )
    return errors


THEMATIC_AREAS: tuple[str, ...] = (
    "return_reintegration",
    "irregular_migration",
    "migration_development",
    "border_management",
    "asylum_refugees",
    "labour_migration",
    "whole_of_government",
)


def restrict_languages(content: SopContent, languages: Collection[str]) -> SopContent:
    """A copy of the content keeping only the given languages (a bilingual template → one language)."""
    copy = content.model_copy(deep=True)
    for _path, localized in iter_texts(copy):
        for lang in list(localized):
            if lang not in languages:
                del localized[lang]
    return copy


def raci_letters(step: Step, lead: str, columns: Iterable[str]) -> dict[str, str]:
    """Who is Responsible, Accountable, Consulted or Informed for one step, per ministry:
    the lead is Accountable, the actor Responsible, supporting ministries Consulted."""
    letters: dict[str, str] = {}
    for code in columns:
        parts = ["A"] if code == lead else []
        if code == step.actor:
            parts.append("R")
        elif code in step.supporting:
            parts.append("C")
        letters[code] = "/".join(parts) or "I"
    return letters
