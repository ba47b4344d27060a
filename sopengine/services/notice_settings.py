"""An official's e-mail address and notice preferences; the notices kept, for admins."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sopengine.db.models import Notice, NoticeAttempt, NoticePreference, Official
from sopengine.domain import notices as rules
from sopengine.domain import permissions
from sopengine.domain.notices import Kind, Mode
from sopengine.domain.permissions import Action
from sopengine.domain.roles import Kind as OfficialKind
from sopengine.domain.workflow import Facts
from sopengine.errors import Conflict, FieldError, ValidationFailed, pointer
from sopengine.services import audit

UNCHANGED = object()


@dataclass(frozen=True)
class NoticeSettings:
    official: Official
    preferences: dict[str, str]
    """Every kind of notice with its mode (immediately unless chosen otherwise)."""
    fixed: list[str]
    """Kinds this official cannot turn off (a signatory's deadlines)."""


@dataclass(frozen=True)
class Changes:
    email: str | object | None = UNCHANGED
    """A new address, or UNCHANGED (None is refused: a person signs in with it)."""
    preferences: dict[str, str] = field(default_factory=dict)


def read(session: Session, actor: Official, official: Official) -> NoticeSettings:
    permissions.authorize(Action.MANAGE_NOTICE_SETTINGS, actor, Facts(official_id=official.id))
    return _settings(session, official)


def _settings(session: Session, official: Official) -> NoticeSettings:
    chosen = {
        p.kind: p.mode
        for p in session.scalars(
            select(NoticePreference).where(NoticePreference.official_id == official.id)
        )
    }
    preferences = {
        kind.value: rules.effective_mode(
            kind, Mode(chosen[kind]) if kind in chosen else None, official.roles
        ).value
        for kind in Kind
    }
    fixed = [k.value for k in Kind if not rules.may_turn_off(k, official.roles)]
    return NoticeSettings(official, preferences, fixed)


def update(
    session: Session, actor: Official, official: Official, changes: Changes
) -> NoticeSettings:
    """Set the address and the preferences given, all or nothing (422 naming each problem)."""
    permissions.authorize(Action.MANAGE_NOTICE_SETTINGS, actor, Facts(official_id=official.id))
    if official.kind != OfficialKind.PERSON:
        raise Conflict("a ministry's system hears through webhooks, not e-mail")
    errors: list[FieldError] = []
    address: str | None = None
    if changes.email is None:
        errors.append(
            FieldError(pointer("email"), "a person signs in with its e-mail address: give one")
        )
    elif changes.email is not UNCHANGED:
        address, problem = rules.email_problem(str(changes.email))
        if problem:
            errors.append(FieldError(pointer("email"), problem))
    for kind, mode in changes.preferences.items():
        problem = rules.preference_problem(kind, mode, official.roles)
        if problem:
            errors.append(FieldError(pointer("preferences", kind), problem))
    if errors:
        raise ValidationFailed(errors)
    details: dict[str, object] = {"official_id": official.id}
    if changes.email is not UNCHANGED and address != official.email:
        if address is not None and session.scalar(
            select(Official.id).where(Official.email == address, Official.id != official.id)
        ):
            raise Conflict(f"an official with email {address} already exists")
        official.email = address
        details["email"] = address
    for kind, mode in changes.preferences.items():
        row = session.get(NoticePreference, (official.id, kind))
        if row is None:
            session.add(NoticePreference(official_id=official.id, kind=kind, mode=mode))
        else:
            row.mode = mode
    if changes.preferences:
        details["preferences"] = dict(sorted(changes.preferences.items()))
    session.flush()
    audit.record(session, actor, "official.notice_settings", details=details)
    return _settings(session, official)


@dataclass(frozen=True)
class NoticePage:
    items: list[tuple[Notice, list[NoticeAttempt]]]
    next_cursor: int | None


def list_notices(
    session: Session,
    actor: Official,
    *,
    status: str | None = None,
    official_id: int | None = None,
    after: int = 0,
    limit: int = 50,
) -> NoticePage:
    """Notices in the order they were written, with their attempts, from after id ``after``."""
    permissions.authorize(Action.READ_NOTICES, actor)
    query = select(Notice).options(selectinload(Notice.official)).order_by(Notice.id)
    if status is not None:
        query = query.where(Notice.status == status)
    if official_id is not None:
        query = query.where(Notice.official_id == official_id)
    if after:
        query = query.where(Notice.id > after)
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    attempts: dict[int, list[NoticeAttempt]] = {n.id: [] for n in rows}
    if attempts:
        for a in session.scalars(
            select(NoticeAttempt)
            .where(NoticeAttempt.notice_id.in_(attempts))
            .order_by(NoticeAttempt.id)
        ):
            attempts[a.notice_id].append(a)
    return NoticePage([(n, attempts[n.id]) for n in rows], rows[-1].id if more and rows else None)
