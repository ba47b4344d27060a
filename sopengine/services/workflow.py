"""Firing workflow triggers: each with its effect, written once, in the caller's transaction.

A public action is asked of the rule book (``permissions.authorize``), then fired through
the one state machine (``workflow.fire``), then its effect runs: the fields it sets, the
audit details it records and the outbox events it emits. Every trigger of the machine has
exactly one ``Effect`` in ``EFFECTS``; a trigger without one fails at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Official, Sop, SopVersion
from sopengine.db.repositories import versions
from sopengine.domain import permissions, workflow
from sopengine.domain import signoff as so
from sopengine.domain.text import text_problems
from sopengine.domain.workflow import Facts
from sopengine.errors import FieldError, NotFound, ValidationFailed, pointer
from sopengine.services import audit, facts, webhooks


@dataclass(frozen=True)
class ActionInput:
    effective_date: date | None = None
    reason: str | None = None
    respond_by: date | None = None


@dataclass(frozen=True)
class Firing:
    """One trigger being fired: everything its effect may read."""

    session: Session
    settings: Settings
    sop: Sop
    version: SopVersion
    actor: Official | None
    data: ActionInput
    now: datetime
    cause: SopVersion | None = None
    """For a supersession: the version whose application caused it."""


Details = dict[str, Any]


def _no_input_errors(data: ActionInput, today: date, version: SopVersion) -> list[FieldError]:
    return []


def _nothing_to_look_up(session: Session, version: SopVersion) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Effect:
    apply: Callable[[Firing], Details]
    """Sets the version's fields; answers the audit event's details."""
    announce: Callable[[Firing], None]
    """Writes the outbox events."""
    check_input: Callable[[ActionInput, date, SopVersion], list[FieldError]] = field(
        default=_no_input_errors
    )
    look_up: Callable[[Session, SopVersion], dict[str, Any]] = field(default=_nothing_to_look_up)
    """Facts the guards need that are read only when firing (under a lock)."""


# --- submit ----------------------------------------------------------------------------------


def _check_submit(data: ActionInput, today: date, version: SopVersion) -> list[FieldError]:
    if data.respond_by is not None and data.respond_by <= today:
        return [FieldError(pointer("respond_by"), "must be after today")]
    return []


def _submit(f: Firing) -> Details:
    v = f.version
    assert f.actor is not None
    v.review_round += 1
    v.submitted_at, v.submitted_by_id = f.now, f.actor.id
    v.respond_by = f.data.respond_by or so.add_working_days(
        f.now.date(), f.settings.review_working_days
    )
    return {
        "content_hash": v.content_hash,
        "review_round": v.review_round,
        "respond_by": v.respond_by.isoformat(),
    }


def _announce_submit(f: Firing) -> None:
    v = f.version
    respond_by = v.respond_by.isoformat() if v.respond_by else None
    webhooks.emit_for_version(f.session, "version.submitted", v, respond_by=respond_by)
    for ministry in v.required_ministries:
        webhooks.emit(
            f.session,
            "signoff.requested",
            sop_code=v.sop.code,
            ministries=[ministry],
            data=webhooks.version_data(v, ministry=ministry, respond_by=respond_by),
        )


# --- recall ------------------------------------------------------------------------------------


def _recall(f: Firing) -> Details:
    f.version.respond_by = None
    return {"review_round": f.version.review_round}


def _announce_nothing(f: Firing) -> None:
    """Nothing outside needs to hear of it: the round's requests simply lapse."""


# --- endorse (internal) ------------------------------------------------------------------------


def _endorse(f: Firing) -> Details:
    f.version.endorsed_at = f.now
    return {
        "content_hash": f.version.content_hash,
        "approvals": sorted(f.version.required_ministries),
    }


def _announce_endorse(f: Firing) -> None:
    webhooks.emit_for_version(f.session, "version.endorsed", f.version)


# --- apply ---------------------------------------------------------------------------------------


def _check_apply(data: ActionInput, today: date, version: SopVersion) -> list[FieldError]:
    if data.effective_date is None:
        return [FieldError(pointer("effective_date"), "required to apply")]
    # An SOP cannot take effect before every ministry had agreed to it (dates in UTC).
    endorsed = version.endorsed_at.date() if version.endorsed_at else None
    if endorsed is not None and data.effective_date < endorsed:
        return [
            FieldError(
                pointer("effective_date"),
                f"must be on or after the endorsement date, {endorsed.isoformat()}",
            )
        ]
    return []


def _newer_in_force(session: Session, version: SopVersion) -> dict[str, Any]:
    """Lock the SOP (applies queue behind each other) and find a newer version once in force."""
    versions.lock_sop_of(session, version)
    return {"newer_in_force": versions.newest_once_in_force_after(session, version)}


def _apply(f: Firing) -> Details:
    v, effective = f.version, f.data.effective_date
    assert effective is not None
    v.applied_at = f.now
    v.effective_date = effective
    v.review_due = so.add_months(effective, f.settings.review_period_months)
    _supersede_others(f)
    return {"effective_date": effective.isoformat(), "review_due": v.review_due.isoformat()}


def _announce_apply(f: Firing) -> None:
    webhooks.emit_for_version(
        f.session,
        "version.applied",
        f.version,
        effective_date=str(f.version.effective_date),
        review_due=str(f.version.review_due),
    )


def _supersede_others(f: Firing) -> None:
    previous = versions.other_applied_for_update(f.session, f.version)
    for old in previous:
        _fire(replace(f, version=old, actor=None, cause=f.version), "supersede", Facts())


# --- supersede (internal) ------------------------------------------------------------------------


def _supersede(f: Firing) -> Details:
    assert f.cause is not None
    f.version.superseded_at = f.now
    return {"by_version": f.cause.number}


def _announce_supersede(f: Firing) -> None:
    assert f.cause is not None
    old, new = f.version, f.cause
    webhooks.emit(
        f.session,
        "version.superseded",
        sop_code=f.sop.code,
        ministries=sorted(set(new.required_ministries) | set(old.required_ministries)),
        data={
            "sop_code": f.sop.code,
            "version": old.number,
            "state": old.state,
            "superseded_by": new.number,
        },
    )


# --- withdraw ------------------------------------------------------------------------------------


def _check_withdraw(data: ActionInput, today: date, version: SopVersion) -> list[FieldError]:
    if not (data.reason or "").strip():
        return [FieldError(pointer("reason"), "a reason is required to withdraw")]
    return text_problems({"reason": data.reason})


def _withdraw(f: Firing) -> Details:
    f.version.withdrawn_at = f.now
    f.version.withdrawn_reason = (f.data.reason or "").strip()
    return {"reason": f.version.withdrawn_reason}


def _announce_withdraw(f: Firing) -> None:
    webhooks.emit_for_version(
        f.session, "version.withdrawn", f.version, reason=f.version.withdrawn_reason
    )


EFFECTS: dict[str, Effect] = {
    "submit": Effect(_submit, _announce_submit, check_input=_check_submit),
    "recall": Effect(_recall, _announce_nothing),
    "endorse": Effect(_endorse, _announce_endorse),
    "apply": Effect(_apply, _announce_apply, check_input=_check_apply, look_up=_newer_in_force),
    "supersede": Effect(_supersede, _announce_supersede),
    "withdraw": Effect(_withdraw, _announce_withdraw, check_input=_check_withdraw),
}

if set(EFFECTS) != set(workflow.BY_NAME):
    raise RuntimeError(
        f"every trigger needs one effect: missing {set(workflow.BY_NAME) - set(EFFECTS)}, "
        f"unknown {set(EFFECTS) - set(workflow.BY_NAME)}"
    )


# --- firing ----------------------------------------------------------------------------------------


def perform(
    session: Session,
    settings: Settings,
    actor: Official,
    version: SopVersion,
    action: str,
    data: ActionInput,
) -> SopVersion:
    """Fire one public action on a (row-locked) version, with its effect, in this transaction."""
    if action not in workflow.PUBLIC_ACTIONS:
        raise NotFound(f"no action {action!r}; actions are {', '.join(workflow.PUBLIC_ACTIONS)}")
    effect = EFFECTS[action]
    now = utcnow()
    errors = effect.check_input(data, now.date(), version)
    if errors:
        raise ValidationFailed(errors)
    current = replace(facts.of_version(version), **effect.look_up(session, version))
    permissions.authorize(action, actor, current)
    _fire(Firing(session, settings, version.sop, version, actor, data, now), action, current)
    return version


def fire_internal(
    session: Session, settings: Settings, version: SopVersion, trigger: str, current: Facts
) -> None:
    """Fire a trigger the service itself causes (endorse), with its effect."""
    firing = Firing(session, settings, version.sop, version, None, ActionInput(), utcnow())
    _fire(firing, trigger, current)


def _fire(f: Firing, trigger: str, current: Facts) -> None:
    before = f.version.state
    workflow.fire(f.version, trigger, current)
    effect = EFFECTS[trigger]
    details = effect.apply(f)
    f.version.updated_at = f.now
    f.session.flush()
    effect.announce(f)
    audit.record(
        f.session,
        f.actor,
        f"version.{trigger}",
        sop_code=f.sop.code,
        version_number=f.version.number,
        details={"from": before, "to": f.version.state, **details},
    )
