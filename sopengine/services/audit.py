"""Appending to and verifying the hash-chained audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import AuditEvent, Official
from sopengine.domain.audit_chain import GENESIS_HASH, ChainReport, event_hash, verify_chain


def record(
    session: Session,
    actor: Official | None,
    action: str,
    *,
    sop_code: str | None = None,
    version_number: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event linked to the current head of the chain.

    Appends are serialized so the chain never forks: PostgreSQL takes a transaction-level
    advisory lock; SQLite transactions already begin IMMEDIATE (one writer at a time).
    """
    dialect_of(session).serialize_audit_appends(session)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        seq=head.seq + 1 if head else 1,
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        action=action,
        sop_code=sop_code,
        version_number=version_number,
        details=details or {},
        prev_hash=head.hash if head else GENESIS_HASH,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def verify(session: Session) -> ChainReport:
    events = session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    )
    return verify_chain(events)


def head_hash(session: Session) -> str:
    return (
        session.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
        or GENESIS_HASH
    )
