"""Firing workflow actions, recording sign-offs (and endorsement), and revising SOPs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Ministry, Official, SignOff, Sop, SopVersion, VersionMinistry
from sopengine.domain import signoff as so
from sopengine.domain import workflow
from sopengine.domain.roles import Role
from sopengine.domain.workflow import State, VersionFacts
from sopengine.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleContentHash,
    ValidationFailed,
    pointer,
)
from sopengine.services import audit, search, webhooks


def load_signoffs(session: Session, version: SopVersion) -> list[SignOff]:
    return list(
        session.scalars(
            select(SignOff)
            .where(SignOff.version_id == version.id)
            .order_by(SignOff.decided_at, SignOff.id)
            .options(selectinload(SignOff.official))
        )
    )


def positions(version: SopVersion, signoffs: list[SignOff]) -> dict[str, SignOff | None]:
    found = so.current_positions(
        version.required_ministries, signoffs, version.content_hash, version.review_round
    )
    return found  # type: ignore[return-value]


def facts(
    version: SopVersion, signoffs: list[SignOff] | None = None, newer_in_force: int | None = None
) -> VersionFacts:
    approved = signoffs is not None and so.all_approved(positions(version, signoffs))
    return VersionFacts(
        newer_in_force=newer_in_force,
        state=version.state,
        lead_ministry=version.sop.lead_ministry_code,
        required_ministries=frozenset(version.required_ministries),
        submitted_by_id=version.submitted_by_id,
        all_approved=approved,
    )


@dataclass(frozen=True)
class ActionInput:
    effective_date: date | None = None
    reason: str | None = None
    respond_by: date | None = None


def perform(
    session: Session,
    settings: Settings,
    actor: Official,
    version: SopVersion,
    action: str,
    data: ActionInput,
) -> SopVersion:
    """Fire one public action on a (row-locked) version, with its effects, in this transaction."""
    if action not in workflow.PUBLIC_ACTIONS:
        raise NotFound(f"no action {action!r}; actions are {', '.join(workflow.PUBLIC_ACTIONS)}")
    before = version.state
    today = utcnow().date()
    details: dict[str, object] = {}
    if action == "submit" and data.respond_by is not None and data.respond_by <= today:
        raise ValidationFailed([FieldError(pointer("respond_by"), "must be after today")])
    if action == "apply" and data.effective_date is None:
        raise ValidationFailed([FieldError(pointer("effective_date"), "required to apply")])
    if action == "withdraw" and not (data.reason or "").strip():
        raise ValidationFailed([FieldError(pointer("reason"), "a reason is required to withdraw")])

    newer = _newer_in_force(session, version) if action == "apply" else None
    workflow.fire(version, action, actor, facts(version, newer_in_force=newer))
    now = utcnow()
    if action == "submit":
        version.review_round += 1
        version.submitted_at, version.submitted_by_id = now, actor.id
        version.respond_by = data.respond_by or so.add_working_days(
            today, settings.review_working_days
        )
        details = {
            "content_hash": version.content_hash,
            "review_round": version.review_round,
            "respond_by": version.respond_by.isoformat(),
        }
    elif action == "recall":
        version.respond_by = None
        details = {"review_round": version.review_round}
    elif action == "apply":
        assert data.effective_date is not None
        version.applied_at = now
        version.effective_date = data.effective_date
        version.review_due = add_months(data.effective_date, settings.review_period_months)
        details = {
            "effective_date": data.effective_date.isoformat(),
            "review_due": version.review_due.isoformat(),
        }
        _supersede_others(session, version)
    elif action == "withdraw":
        version.withdrawn_at, version.withdrawn_reason = now, (data.reason or "").strip()
        details = {"reason": version.withdrawn_reason}
    version.updated_at = now
    session.flush()
    _announce(session, action, version)
    audit.record(
        session,
        actor,
        f"version.{action}",
        sop_code=version.sop.code,
        version_number=version.number,
        details={"from": before, "to": version.state, **details},
    )
    return version


def _newer_in_force(session: Session, version: SopVersion) -> int | None:
    """Lock the SOP (applies queue behind each other) and find a newer version once in force."""
    session.execute(select(Sop.id).where(Sop.id == version.sop_id).with_for_update())
    return session.scalar(
        select(func.max(SopVersion.number)).where(
            SopVersion.sop_id == version.sop_id,
            SopVersion.number > version.number,
            SopVersion.state.in_([State.APPLIED, State.SUPERSEDED]),
        )
    )


def _announce(session: Session, action: str, version: SopVersion) -> None:
    """Outbox events for an action, in the action's transaction."""
    if action == "submit":
        respond_by = version.respond_by.isoformat() if version.respond_by else None
        webhooks.emit_for_version(session, "version.submitted", version, respond_by=respond_by)
        for ministry in version.required_ministries:
            data = webhooks.version_data(version, ministry=ministry, respond_by=respond_by)
            webhooks.emit(
                session, "signoff.requested", sop_code=version.sop.code,
                ministries=[ministry], data=data,
            )  # fmt: skip
    elif action == "apply":
        webhooks.emit_for_version(
            session, "version.applied", version,
            effective_date=str(version.effective_date), review_due=str(version.review_due),
        )  # fmt: skip
    elif action == "withdraw":
        webhooks.emit_for_version(
            session, "version.withdrawn", version, reason=version.withdrawn_reason
        )


def _supersede_others(session: Session, applied: SopVersion) -> None:
    previous = session.scalars(
        select(SopVersion)
        .where(
            SopVersion.sop_id == applied.sop_id,
            SopVersion.state == State.APPLIED,
            SopVersion.id != applied.id,
        )
        .options(selectinload(SopVersion.ministries))
        .with_for_update()
    ).all()
    for old in previous:
        workflow.fire(
            old,
            "supersede",
            None,
            VersionFacts(
                state=old.state,
                lead_ministry=applied.sop.lead_ministry_code,
                required_ministries=frozenset(),
            ),
        )
        old.superseded_at = utcnow()
        session.flush()
        webhooks.emit(
            session, "version.superseded", sop_code=applied.sop.code,
            ministries=sorted(set(applied.required_ministries) | set(old.required_ministries)),
            data={"sop_code": applied.sop.code, "version": old.number, "state": old.state,
                  "superseded_by": applied.number},
        )  # fmt: skip
        audit.record(
            session,
            None,
            "version.supersede",
            sop_code=applied.sop.code,
            version_number=old.number,
            details={"from": State.APPLIED, "to": old.state, "by_version": applied.number},
        )


@dataclass(frozen=True)
class SignOffInput:
    decision: str
    content_hash: str
    comment: str = ""


def record_signoff(
    session: Session, actor: Official, version: SopVersion, ministry: str, data: SignOffInput
) -> SignOff:
    """Append a ministry's decision; the last required approval endorses the version."""
    if ministry not in version.required_ministries:
        raise NotFound(f"{ministry} is not among the ministries required to sign this version")
    if not (actor.has_role(Role.SIGNATORY) and actor.ministry_code == ministry):
        raise Forbidden(f"only a signatory of {ministry} may decide on its behalf")
    if version.state != State.IN_REVIEW:
        raise InvalidTransition(
            f"sign-offs are recorded only in review; the version is {version.state!r}",
            state=version.state,
            allowed_actions=workflow.available_actions(actor, facts(version)),
        )
    if data.content_hash != version.content_hash:
        raise StaleContentHash(
            "the content hash you sent is not this version's current text; read it again "
            "and sign what you read"
        )
    comment = data.comment.strip()
    if data.decision == so.Decision.REJECT and not comment:
        raise ValidationFailed([FieldError(pointer("comment"), "a rejection needs reasons")])

    name = session.scalar(select(Ministry.name_en).where(Ministry.code == ministry)) or ministry
    signoff = SignOff(
        version_id=version.id,
        ministry_code=ministry,
        official_id=actor.id,
        decision=data.decision,
        comment=comment,
        content_hash=data.content_hash,
        review_round=version.review_round,
        meaning=so.signature_meaning(data.decision, name),
        decided_at=utcnow(),
    )
    session.add(signoff)
    session.flush()
    audit.record(
        session,
        actor,
        "signoff.recorded",
        sop_code=version.sop.code,
        version_number=version.number,
        details={
            "ministry": ministry,
            "decision": data.decision,
            "content_hash": data.content_hash,
            "review_round": version.review_round,
        },
    )

    webhooks.emit_for_version(
        session, "signoff.recorded", version,
        ministry=ministry, decision=data.decision, comment=comment,
    )  # fmt: skip
    if data.decision == so.Decision.REJECT:
        webhooks.emit_for_version(
            session, "version.rejected", version, ministry=ministry, comment=comment
        )

    signoffs = load_signoffs(session, version)
    current = facts(version, signoffs)
    if current.all_approved:
        workflow.fire(version, "endorse", None, current)
        version.endorsed_at = version.updated_at = utcnow()
        session.flush()
        webhooks.emit_for_version(session, "version.endorsed", version)
        audit.record(
            session,
            None,
            "version.endorse",
            sop_code=version.sop.code,
            version_number=version.number,
            details={
                "from": State.IN_REVIEW,
                "to": State.ENDORSED,
                "content_hash": version.content_hash,
                "approvals": sorted(version.required_ministries),
            },
        )
    return signoff


def revise(session: Session, actor: Official, code: str, change_summary: str) -> SopVersion:
    """Open version N+1 in draft with the latest version's text."""
    sop = session.scalar(select(Sop).where(Sop.code == code).with_for_update())
    if sop is None:
        raise NotFound(f"no SOP with code {code}")
    versions = session.scalars(
        select(SopVersion)
        .where(SopVersion.sop_id == sop.id)
        .order_by(SopVersion.number)
        .options(selectinload(SopVersion.ministries))
    ).all()
    latest = versions[-1]
    if not (
        actor.has_role(Role.FACILITATOR)
        or (actor.has_role(Role.DRAFTER) and actor.ministry_code in latest.required_ministries)
    ):
        raise Forbidden("only facilitators, or drafters of a ministry the SOP binds, may revise it")
    open_versions = [v for v in versions if v.state in workflow.OPEN_STATES]
    if open_versions:
        v = open_versions[0]
        raise Conflict(
            f"version {v.number} is still {v.state}; finish or withdraw it before revising",
            open_version=v.number,
        )
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


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
