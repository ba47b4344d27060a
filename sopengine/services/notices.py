"""E-mail notices derived from the outbox: who is told of each event, and the daily digests.

The worker takes outbox events not yet derived (``webhook_events.notices_at`` is NULL;
PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two workers never derive one event), writes one
``Notice`` per recipient (``domain.notices.RULES``) and marks the event, in one
transaction: every event is derived exactly once, and a worker killed halfway derived
nothing. Notices an official wants as a digest are held, then gathered into one message
per official and day.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import (
    Comment,
    Ministry,
    Notice,
    NoticePreference,
    Official,
    Sop,
    SopVersion,
    WebhookEvent,
)
from sopengine.domain import notices as rules
from sopengine.domain.notices import EventFacts, Mode, Status
from sopengine.domain.roles import Kind

DERIVE_BATCH = 100


def new_message_id(settings: Settings) -> str:
    """A ``Message-ID`` of the service's own host, kept with the notice for every retry."""
    host = urlsplit(settings.public_url).hostname or "sopengine.invalid"
    return f"<notice.{uuid.uuid4().hex}@{host}>"


def recipients_pool(session: Session) -> list[Official]:
    """Everyone who can be told: active people with an e-mail address."""
    return list(
        session.scalars(
            select(Official)
            .where(Official.active, Official.kind == Kind.PERSON, Official.email.is_not(None))
            .order_by(Official.id)
        )
    )


def preferences_of(session: Session, ids: Sequence[int]) -> dict[tuple[int, str], Mode]:
    rows = session.scalars(select(NoticePreference).where(NoticePreference.official_id.in_(ids)))
    return {(p.official_id, p.kind): Mode(p.mode) for p in rows}


def derive(session: Session, settings: Settings, now: datetime) -> int:
    """Derive the notices of one batch of outbox events; answers how many events."""
    query = (
        select(WebhookEvent)
        .where(WebhookEvent.notices_at.is_(None))
        .order_by(WebhookEvent.id)
        .limit(DERIVE_BATCH)
    )
    events = session.scalars(dialect_of(session).skip_locked(query, WebhookEvent)).all()
    if not events:
        return 0
    pool = recipients_pool(session)
    chosen = preferences_of(session, [o.id for o in pool])
    names = {m.code: {"en": m.name_en, "ar": m.name_ar} for m in session.scalars(select(Ministry))}
    day = rules.digest_day(now, settings.notice_timezone)
    for event in events:
        event.notices_at = now
        rule = rules.BY_EVENT.get(event.event_type)
        if rule is None:
            continue
        facts, extra = _facts(session, event, names)
        data = {**event.payload.get("data", {}), **extra}
        for who in rules.recipients(rule, pool, facts):
            mode = rules.effective_mode(rule.kind, chosen.get((who.id, rule.kind)), who.roles)
            if mode == Mode.OFF:
                continue
            held = mode == Mode.DIGEST
            session.add(
                Notice(
                    official_id=who.id,
                    event_id=event.id,
                    kind=rule.kind,
                    event_type=event.event_type,
                    sop_code=event.sop_code,
                    data=data,
                    mode=mode,
                    status=Status.HELD if held else Status.PENDING,
                    digest_day=day if held else None,
                    message_id=new_message_id(settings),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    session.flush()
    return len(events)


def _facts(
    session: Session, event: WebhookEvent, names: dict[str, dict[str, str]]
) -> tuple[EventFacts, dict[str, Any]]:
    """Who the event concerns, and what the message needs beyond the event's own data."""
    data: dict[str, Any] = event.payload.get("data", {})
    extra: dict[str, Any] = {}
    ministry = data.get("ministry")
    if ministry in names:
        extra["ministry_names"] = names[ministry]
    lead, submitter = None, None
    if event.sop_code and isinstance(data.get("version"), int):
        found = session.execute(
            select(Sop.lead_ministry_code, SopVersion.submitted_by_id)
            .join(SopVersion, SopVersion.sop_id == Sop.id)
            .where(Sop.code == event.sop_code, SopVersion.number == data["version"])
        ).first()
        if found is not None:
            lead, submitter = found
    author, parent_author = None, None
    if event.event_type == "comment.created" and data.get("comment_id"):
        comment = session.get(Comment, data["comment_id"])
        if comment is not None:
            author = comment.author_id
            extra["body"] = comment.body[:1000]
            if comment.parent_id is not None:
                parent = session.get(Comment, comment.parent_id)
                parent_author = parent.author_id if parent is not None else None
    facts = EventFacts(
        bound_ministries=frozenset(event.ministries),
        ministry=ministry,
        lead_ministry=lead,
        submitter_id=submitter,
        parent_author_id=parent_author,
        actor_id=author,
    )
    return facts, extra


def gather_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Gather held notices of finished days into one digest message per official and day."""
    cutoff = rules.digest_cutoff(now, settings.notice_timezone, settings.notice_digest_hour)
    query = (
        select(Notice)
        .where(Notice.status == Status.HELD, Notice.digest_day < cutoff)
        .order_by(Notice.official_id, Notice.id)
    )
    held = session.scalars(dialect_of(session).skip_locked(query, Notice)).all()
    groups: dict[tuple[int, date], list[Notice]] = defaultdict(list)
    for notice in held:
        assert notice.digest_day is not None
        groups[(notice.official_id, notice.digest_day)].append(notice)
    for (official_id, day), items in groups.items():
        digest = session.scalar(
            select(Notice).where(Notice.official_id == official_id, Notice.digest_of == day)
        )
        if digest is None:
            # Held notices of a day are gathered once: later ones belong to a later day.
            digest = Notice(
                official_id=official_id,
                kind=rules.DIGEST,
                sop_code=None,
                data={"day": day.isoformat()},
                mode=Mode.DIGEST,
                status=Status.PENDING,
                digest_of=day,
                message_id=new_message_id(settings),
                # Due at once, whatever moment ``now`` stood for when judging the cutoff.
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
            session.add(digest)
            session.flush()
        for item in items:
            item.status, item.digest_id = Status.IN_DIGEST, digest.id
    session.flush()
    return len(groups)
