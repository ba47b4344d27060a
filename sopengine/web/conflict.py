"""A save that comes after someone else's: nothing is stored; the official sees what the other
person changed, and the form holds both edits wherever they do not touch the same field.

The edit form carries the ETag of the version it was loaded from and that text itself
(``base``, encoded), so the page can tell what changed since without keeping anything on the
server between requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sopengine.api import etag as etags
from sopengine.db.models import SopVersion
from sopengine.export.redline import structured_diff
from sopengine.export.view import SopDocument
from sopengine.web import content_form
from sopengine.web.content_form import Draft
from sopengine.web.merge import Merged, merge


@dataclass(frozen=True)
class Loaded:
    """The text a form started from: the version's ETag and the text (encoded for the form)."""

    etag: str
    base: str


@dataclass(frozen=True)
class Conflict:
    """Someone else saved first: what they changed, and how the form holds both edits."""

    changes: dict[str, Any] | None
    """The structured diff from the text the official started from to theirs (None: unknown)."""
    combined: bool | None
    """True: both edits are in the form; False: only the official's; None: the form has been
    changed since, so the page no longer says."""
    clashes: dict[str, str] = field(default_factory=dict)
    before: str = ""
    """The text the official had started from, kept while the form goes on being edited."""


def stored(version: SopVersion) -> Draft:
    """The version's text as the form shows it."""
    return content_form.draft_of(
        version.languages,
        version.title,
        version.required_ministries,
        version.content,
        version.change_summary,
    )


def loaded(version: SopVersion) -> Loaded:
    saved = {
        "title": version.title,
        "required_ministries": version.required_ministries,
        "content": version.content,
        "change_summary": version.change_summary,
    }
    return Loaded(etags.etag(version), content_form.encode(saved))


def draft_from(version: SopVersion, base: str) -> Draft | None:
    """A text a form carried, as a draft; None when it is missing or not a text."""
    saved = content_form.decode(base)
    if not isinstance(saved, dict) or not isinstance(saved.get("content"), dict):
        return None
    return content_form.draft_of(
        version.languages,
        saved.get("title") or {},
        [c for c in saved.get("required_ministries") or [] if isinstance(c, str)],
        saved["content"],
        str(saved.get("change_summary") or ""),
    )


def after_stale_save(version: SopVersion, mine: Draft, base: str) -> tuple[Draft, Conflict]:
    """What the form holds after a save on an older text, and what the page says about it."""
    started = draft_from(version, base)
    merged = merge(started, mine, stored(version)) if started else Merged(mine, combined=False)
    changes = changes_between(version, base, loaded(version).base)
    return merged.draft, Conflict(changes, merged.combined, merged.clashes, base)


def carried(version: SopVersion, before: str, after: str) -> Conflict:
    """The notice kept on the page while the official goes on editing after a conflict."""
    return Conflict(changes_between(version, before, after), None, before=before)


def changes_between(version: SopVersion, before: str, after: str) -> dict[str, Any] | None:
    """The structured diff between two texts a form carried (None if either is not a text)."""
    try:
        old, new = content_form.decode(before), content_form.decode(after)
        return structured_diff(_document(version, old), _document(version, new))
    except (KeyError, TypeError, ValueError, ValidationError):
        return None


def _document(version: SopVersion, saved: dict[str, Any]) -> SopDocument:
    sop = version.sop
    return SopDocument.build(
        code=sop.code,
        thematic_area=sop.thematic_area,
        lead_ministry=sop.lead_ministry_code,
        number=version.number,
        state=version.state,
        title=saved["title"],
        languages=version.languages,
        primary_language=version.primary_language,
        required_ministries=saved["required_ministries"],
        content=saved["content"],
        ministries={},
        history=[],
        signoffs=[],
    )
