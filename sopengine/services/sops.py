"""Creating, reading, listing and editing SOPs and their versions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from sopengine.db.base import utcnow
from sopengine.db.models import Ministry, Official, Sop, SopVersion, VersionMinistry
from sopengine.domain.content import (
    THEMATIC_AREAS,
    SopContent,
    VersionText,
    check_version_text,
    procedure_ministries,
    restrict_languages,
)
from sopengine.domain.roles import Role
from sopengine.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
    pointer,
)
from sopengine.services import audit, search
from sopengine.services.templates import Template


@dataclass(frozen=True)
class TextInput:
    """The signable text fields as a caller sends them; None means "not given"."""

    title: dict[str, str] | None = None
    languages: list[str] | None = None
    primary_language: str | None = None
    required_ministries: list[str] | None = None
    content: SopContent | None = None


@dataclass(frozen=True)
class NewSop:
    code: str
    text: TextInput
    thematic_area: str | None = None
    lead_ministry: str | None = None
    template: Template | None = None


def ministry_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Ministry.code)))


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
    _require_valid(version_text, lead, known)

    if not (
        actor.has_role(Role.FACILITATOR)
        or (actor.has_role(Role.DRAFTER) and actor.ministry_code in required)
    ):
        raise Forbidden(
            "only facilitators, or drafters of a ministry the SOP binds, may create SOPs"
        )
    if session.scalar(select(Sop.id).where(Sop.code == data.code)) is not None:
        raise Conflict(f"an SOP with code {data.code} already exists", code=data.code)

    sop = Sop(
        code=data.code, thematic_area=thematic_area, lead_ministry_code=lead, created_by_id=actor.id
    )
    session.add(sop)
    session.flush()
    version = SopVersion(
        sop_id=sop.id, number=1, state="draft", created_by_id=actor.id, change_summary="First draft"
    )
    version.sop = sop
    _apply_text(version, version_text)
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


def update_text(
    session: Session, actor: Official, version: SopVersion, data: TextInput
) -> SopVersion:
    """Replace a draft version's text; every other state has frozen it."""
    if version.state != "draft":
        raise InvalidTransition(
            f"the content of a version in state {version.state!r} is frozen; only drafts are edited",
            state=version.state,
        )
    if not can_edit(actor, version):
        raise Forbidden(
            "only facilitators, or drafters of a ministry this version binds, may edit it"
        )
    current = version_text(version)
    version_text_new = VersionText(
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
    _require_valid(version_text_new, version.sop.lead_ministry_code, ministry_codes(session))
    old_hash = version.content_hash
    _apply_text(version, version_text_new)
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
        details={"from_hash": old_hash, "to_hash": version.content_hash},
    )
    return version


def can_edit(actor: Official, version: SopVersion) -> bool:
    return version.state == "draft" and (
        actor.has_role(Role.FACILITATOR)
        or (actor.has_role(Role.DRAFTER) and actor.ministry_code in version.required_ministries)
    )


def version_text(version: SopVersion) -> VersionText:
    return VersionText(
        title=dict(version.title),
        languages=list(version.languages),
        primary_language=version.primary_language,
        required_ministries=version.required_ministries,
        content=SopContent.model_validate(version.content),
    )


def _require_valid(text: VersionText, lead: str, known: set[str]) -> None:
    errors = check_version_text(text, lead_ministry=lead, known_ministries=known)
    if errors:
        raise ValidationFailed(errors)


def _apply_text(version: SopVersion, text: VersionText) -> None:
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


# --- reading -------------------------------------------------------------------------


def get_sop(session: Session, code: str) -> Sop:
    sop = session.scalar(select(Sop).where(Sop.code == code).options(selectinload(Sop.versions)))
    if sop is None:
        raise NotFound(f"no SOP with code {code}")
    return sop


def get_version(
    session: Session, code: str, number: int, *, for_update: bool = False
) -> SopVersion:
    query = (
        select(SopVersion)
        .join(Sop, SopVersion.sop_id == Sop.id)
        .where(Sop.code == code, SopVersion.number == number)
        .options(selectinload(SopVersion.sop), selectinload(SopVersion.ministries))
    )
    if for_update:
        query = query.with_for_update(of=SopVersion)
    version = session.scalar(query)
    if version is None:
        if session.scalar(select(Sop.id).where(Sop.code == code)) is None:
            raise NotFound(f"no SOP with code {code}")
        raise NotFound(f"SOP {code} has no version {number}")
    return version


def applied_number(sop: Sop) -> int | None:
    return next((v.number for v in sop.versions if v.state == "applied"), None)
