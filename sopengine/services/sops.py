"""An SOP's life as a whole: creating it, revising it into a new version, loading it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from sopengine.db.models import Official, Sop, SopVersion, VersionMinistry
from sopengine.db.repositories import versions
from sopengine.domain import permissions
from sopengine.domain.content import (
    THEMATIC_AREAS,
    VersionText,
    procedure_ministries,
    restrict_languages,
)
from sopengine.domain.permissions import Action
from sopengine.domain.text import text_problems
from sopengine.domain.workflow import Facts, State
from sopengine.errors import Conflict, FieldError, NotFound, ValidationFailed, pointer
from sopengine.services import audit, facts, search
from sopengine.services.drafting import TextInput, apply_text, ministry_codes, require_valid
from sopengine.services.templates import Template


@dataclass(frozen=True)
class NewSop:
    code: str
    text: TextInput
    thematic_area: str | None = None
    lead_ministry: str | None = None
    template: Template | None = None


def create_sop(session: Session, actor: Official, data: NewSop) -> SopVersion:
    """Create the SOP and its version 1 in draft, from explicit fields over an optional template."""
    tpl = data.template
    text = data.text
    thematic_area = data.thematic_area or (tpl.thematic_area if tpl else None)
    lead = data.lead_ministry or (tpl.lead_ministry if tpl else None)
    languages = text.languages or (tpl.languages if tpl else ["en"])
    primary = text.primary_language or (
        tpl.primary_language if tpl and tpl.primary_language in languages else languages[0]
    )
    title = text.title or ({k: v for k, v in tpl.title.items() if k in languages} if tpl else None)
    content = text.content or (restrict_languages(tpl.content, languages) if tpl else None)

    errors: list[FieldError] = []
    for field, value in (
        ("thematic_area", thematic_area),
        ("lead_ministry", lead),
        ("title", title),
        ("content", content),
    ):
        if value is None:
            errors.append(FieldError(pointer(field), "required (or give a template that has it)"))
    if thematic_area is not None and thematic_area not in THEMATIC_AREAS:
        errors.append(
            FieldError(pointer("thematic_area"), f"must be one of: {', '.join(THEMATIC_AREAS)}")
        )
    known = ministry_codes(session)
    if lead is not None and lead not in known:
        errors.append(FieldError(pointer("lead_ministry"), f"unknown ministry {lead!r}"))
    if errors:
        raise ValidationFailed(errors)
    assert lead is not None
    assert title is not None
    assert content is not None
    assert thematic_area

    required = text.required_ministries
    if required is None:
        required = sorted(
            {lead} | procedure_ministries(content) | set(tpl.required_ministries if tpl else [])
        )
    version_text = VersionText(title, languages, primary, required, content)
    require_valid(version_text, lead, known)

    permissions.authorize(
        Action.CREATE_SOP,
        actor,
        Facts(lead_ministry=lead, required_ministries=frozenset(required)),
    )
    if versions.sop_id(session, data.code) is not None:
        raise Conflict(f"an SOP with code {data.code} already exists", code=data.code)

    sop = Sop(
        code=data.code, thematic_area=thematic_area, lead_ministry_code=lead, created_by_id=actor.id
    )
    session.add(sop)
    session.flush()
    version = SopVersion(
        sop_id=sop.id,
        number=1,
        state=State.DRAFT,
        created_by_id=actor.id,
        change_summary="First draft",
    )
    version.sop = sop
    apply_text(version, version_text)
    session.add(version)
    session.flush()
    search.refresh(session, version)
    audit.record(
        session,
        actor,
        "sop.created",
        sop_code=sop.code,
        version_number=1,
        details={
            "thematic_area": thematic_area,
            "lead_ministry": lead,
            "template": tpl.name if tpl else None,
            "content_hash": version.content_hash,
        },
    )
    return version


def revise(session: Session, actor: Official, code: str, change_summary: str) -> SopVersion:
    """Open version N+1 in draft with the latest version's text."""
    sop = versions.lock_sop(session, code)
    if sop is None:
        raise NotFound(f"no SOP with code {code}")
    existing = versions.versions_of(session, sop)
    permissions.authorize(Action.REVISE, actor, facts.of_sop(sop, existing))
    if errors := text_problems({"change_summary": change_summary}):
        raise ValidationFailed(errors)
    latest = existing[-1]
    new = SopVersion(
        sop_id=sop.id,
        number=latest.number + 1,
        state=State.DRAFT,
        title=dict(latest.title),
        languages=list(latest.languages),
        primary_language=latest.primary_language,
        content=latest.content,
        content_hash=latest.content_hash,
        change_summary=change_summary.strip(),
        created_by_id=actor.id,
        ministries=[VersionMinistry(ministry_code=c) for c in latest.required_ministries],
    )
    new.sop = sop
    session.add(new)
    session.flush()
    search.refresh(session, new)
    audit.record(
        session,
        actor,
        "version.created",
        sop_code=sop.code,
        version_number=new.number,
        details={
            "from_version": latest.number,
            "change_summary": new.change_summary,
            "content_hash": new.content_hash,
        },
    )
    return new


# --- reading -------------------------------------------------------------------------


def get_sop(session: Session, code: str) -> Sop:
    sop = versions.sop_by_code(session, code)
    if sop is None:
        raise NotFound(f"no SOP with code {code}")
    return sop


def get_version(
    session: Session, code: str, number: int, *, for_update: bool = False
) -> SopVersion:
    """The version with its SOP and required ministries, or 404 naming what is missing."""
    version = versions.version(session, code, number, for_update=for_update)
    if version is None:
        raise _missing(session, code, number)
    return version


def version_to_read(session: Session, code: str, number: int) -> tuple[SopVersion, str]:
    """The version as :func:`get_version` gives it, with its content as JSON text (not
    decoded, and not loaded on the version), or 404."""
    found = versions.version_to_read(session, code, number)
    if found is None:
        raise _missing(session, code, number)
    return found


def _missing(session: Session, code: str, number: int) -> NotFound:
    if versions.sop_id(session, code) is None:
        return NotFound(f"no SOP with code {code}")
    return NotFound(f"SOP {code} has no version {number}")


def applied_number(sop: Sop) -> int | None:
    return next((v.number for v in sop.versions if v.state == State.APPLIED), None)
