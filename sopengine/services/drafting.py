"""Editing a draft's text: the signable fields, their rules, and who may drop a ministry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from sopengine.db.base import utcnow
from sopengine.db.models import Ministry, Official, SopVersion, VersionMinistry
from sopengine.domain import permissions
from sopengine.domain.content import SopContent, VersionText, check_version_text
from sopengine.domain.permissions import Action
from sopengine.domain.text import text_problems
from sopengine.errors import PreconditionFailed, ValidationFailed
from sopengine.services import audit, facts, search


@dataclass(frozen=True)
class TextInput:
    """The signable text fields as a caller sends them; None means "not given"."""

    title: dict[str, str] | None = None
    languages: list[str] | None = None
    primary_language: str | None = None
    required_ministries: list[str] | None = None
    content: SopContent | None = None


def ministry_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Ministry.code)))


def update_text(
    session: Session,
    actor: Official,
    version: SopVersion,
    data: TextInput,
    change_summary: str | None = None,
) -> SopVersion:
    """Replace a draft version's text (and its change summary); every other state froze it."""
    permissions.authorize(Action.EDIT, actor, facts.of_version(version))
    current = version_text(version)
    new = VersionText(
        title=data.title if data.title is not None else current.title,
        languages=data.languages if data.languages is not None else current.languages,
        primary_language=data.primary_language or current.primary_language,
        required_ministries=(
            data.required_ministries
            if data.required_ministries is not None
            else current.required_ministries
        ),
        content=data.content if data.content is not None else current.content,
    )
    removed = sorted(set(current.required_ministries) - set(new.required_ministries))
    added = sorted(set(new.required_ministries) - set(current.required_ministries))
    if removed:
        permissions.authorize(Action.REMOVE_REQUIRED_MINISTRY, actor, facts.of_version(version))
    require_valid(new, version.sop.lead_ministry_code, ministry_codes(session), change_summary)
    old_hash = version.content_hash
    apply_text(version, new)
    details: dict[str, object] = {"from_hash": old_hash, "to_hash": version.content_hash}
    if removed:
        details["removed_ministries"] = removed
    if added:
        details["added_ministries"] = added
    if change_summary is not None and change_summary != version.change_summary:
        version.change_summary = change_summary
        details["change_summary"] = change_summary
    version.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError as exc:
        # Another request changed the row between our read and this write.
        raise PreconditionFailed("the version was changed by someone else; read it again") from exc
    search.refresh(session, version)
    audit.record(
        session,
        actor,
        "version.edited",
        sop_code=version.sop.code,
        version_number=version.number,
        details=details,
    )
    return version


def version_text(version: SopVersion) -> VersionText:
    return VersionText(
        title=dict(version.title),
        languages=list(version.languages),
        primary_language=version.primary_language,
        required_ministries=version.required_ministries,
        content=SopContent.model_validate(version.content),
    )


def require_valid(
    text: VersionText, lead: str, known: set[str], change_summary: str | None = None
) -> None:
    errors = check_version_text(text, lead_ministry=lead, known_ministries=known)
    errors += text_problems({"change_summary": change_summary})
    if errors:
        raise ValidationFailed(errors)


def apply_text(version: SopVersion, text: VersionText) -> None:
    canonical = text.canonical()
    version.title = canonical["title"]
    version.languages = canonical["languages"]
    version.primary_language = canonical["primary_language"]
    version.content = canonical["content"]
    version.content_hash = text.content_hash
    wanted = set(text.required_ministries)
    if version.id is None:
        version.ministries = [VersionMinistry(ministry_code=c) for c in sorted(wanted)]
    else:
        version.ministries = [m for m in version.ministries if m.ministry_code in wanted] + [
            VersionMinistry(ministry_code=c)
            for c in sorted(wanted - set(version.required_ministries))
        ]
