"""The document view model: everything the Word renderer needs, built from one frozen version.

The renderer never touches the database or HTTP; the service loads a version, its SOP,
ministries, history and sign-offs, and hands a ``SopDocument`` to ``docx.render``.

Stored text may hold characters XML 1.0 cannot carry (controls such as U+0000, U+0007 or
U+000B, lone surrogates, U+FFFE/U+FFFF), from rows written before input refused them or
behind the service's back. A document must still render, so ``build`` shows each such
character as U+FFFD (the replacement character): the file says where something unprintable
was, and the manifest's fingerprint is of the file as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, is_dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime
from typing import Any

from sopengine.domain.content import SopContent, Step, VersionText, raci_letters
from sopengine.errors import SopError

ENDORSED_STATES = frozenset({"endorsed", "applied", "superseded"})
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 forbids (tab, newline and carriage return are allowed)."""
REPLACEMENT = "\ufffd"


def xml_safe(value: Any) -> Any:
    """``value`` with every character XML forbids replaced by U+FFFD, through dicts, lists
    and dataclasses; anything else is returned as it is."""
    if isinstance(value, str):
        return NOT_IN_XML.sub(REPLACEMENT, value)
    if isinstance(value, Mapping):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(
            value, **{f.name: xml_safe(getattr(value, f.name)) for f in dataclass_fields(value)}
        )
    return value


class LanguageNotAvailable(SopError):
    status, slug, title = (
        422,
        "language-not-available",
        "The version is not written in that language",
    )


@dataclass(frozen=True)
class MinistryView:
    code: str
    name_en: str
    name_ar: str

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en


@dataclass(frozen=True)
class VersionHistoryRow:
    number: int
    state: str
    created_at: datetime
    effective_date: date | None
    change_summary: str


@dataclass(frozen=True)
class SignoffView:
    """One required ministry's standing decision; ``decision`` None means still pending."""

    ministry: str
    official_name: str | None = None
    position: str | None = None
    decision: str | None = None
    decided_at: datetime | None = None
    content_hash: str | None = None
    meaning: str | None = None
    meaning_ar: str | None = None
    method: str | None = None
    """password (a person, re-authenticated) or token (a ministry's system)."""


@dataclass(frozen=True)
class SopDocument:
    code: str
    thematic_area: str
    lead_ministry: str
    number: int
    state: str
    title: dict[str, str]
    languages: list[str]
    primary_language: str
    required_ministries: list[str]
    content: SopContent
    content_hash: str
    effective_date: date | None
    review_due: date | None
    ministries: dict[str, MinistryView]
    history: list[VersionHistoryRow]
    signoffs: list[SignoffView]
    exported_at: datetime
    audit_head: str
    audit_checkpoint: str = ""
    """The latest signed checkpoint of the audit chain (JSON), or empty when there is none."""

    def __post_init__(self) -> None:
        if self.primary_language not in self.languages:
            raise ValueError("the primary language must be one of the languages")

    @classmethod
    def build(cls, **fields: Any) -> SopDocument:
        """A document from plain values: dicts become views, missing optional parts get defaults.

        ``content`` may be a dict (validated as ``SopContent``); ``content_hash`` defaults to
        the canonical hash of the version text; every required ministry without a sign-off
        gets a pending row, and sign-offs follow the order of ``binding_ministries``.
        """
        fields = {key: xml_safe(value) for key, value in fields.items()}
        content = fields["content"]
        if isinstance(content, SopContent):
            content = content.model_dump()
        content = SopContent.model_validate(xml_safe(content))
        fields["content"] = content
        fields["title"] = dict(fields["title"])
        fields["languages"] = list(fields["languages"])
        fields.setdefault("primary_language", fields["languages"][0])
        fields["required_ministries"] = list(fields["required_ministries"])
        if fields.get("content_hash") is None:
            fields["content_hash"] = VersionText(
                title=fields["title"],
                languages=fields["languages"],
                primary_language=fields["primary_language"],
                required_ministries=fields["required_ministries"],
                content=content,
            ).content_hash
        fields.setdefault("effective_date", None)
        fields.setdefault("review_due", None)
        fields.setdefault("audit_head", "")
        fields.setdefault("exported_at", datetime.now(UTC))
        fields["ministries"] = {
            code: _as(MinistryView, m, code=code)
            for code, m in dict(fields.get("ministries") or {}).items()
        }
        fields["history"] = [_as(VersionHistoryRow, h) for h in fields.get("history") or []]
        given = {s.ministry: s for s in (_as(SignoffView, s) for s in fields.get("signoffs") or [])}
        lead = fields["lead_ministry"]
        order = [lead, *(m for m in fields["required_ministries"] if m != lead)]
        order += [m for m in given if m not in order]
        fields["signoffs"] = [given.get(m) or SignoffView(ministry=m) for m in order]
        return cls(**fields)

    @property
    def is_endorsed(self) -> bool:
        """Endorsed, applied or superseded: an official text, printed without a watermark."""
        return self.state in ENDORSED_STATES

    @property
    def binding_ministries(self) -> list[str]:
        """The ministries that must sign, lead ministry first."""
        lead = self.lead_ministry
        return [lead, *(m for m in self.required_ministries if m != lead)]

    def ministry_name(self, code: str, lang: str) -> str:
        view = self.ministries.get(code)
        return view.name(lang) if view is not None else code

    def ministry_names(self, codes: Iterable[str], lang: str) -> str:
        separator = "، " if lang == "ar" else ", "
        return separator.join(self.ministry_name(code, lang) for code in codes)

    def require_language(self, lang: str) -> None:
        if lang not in self.languages:
            raise LanguageNotAvailable(
                f"version {self.number} of {self.code} is written in "
                f"{', '.join(self.languages)}, not {lang!r}",
                languages=self.languages,
            )

    def raci(self, step: Step) -> dict[str, str]:
        """RACI letters of one step for every binding ministry (e.g. ``"A/R"`` for a lead actor)."""
        return raci_letters(step, self.lead_ministry, self.binding_ministries)


def _as(kind: type[Any], value: Any, **extra: Any) -> Any:
    if isinstance(value, kind):
        return value
    if isinstance(value, Mapping):
        return kind(**{**extra, **value})
    return kind(*value)
