"""Appending to, reading and verifying the hash-chained audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import AuditEvent, Official
from sopengine.db.repositories import audit as events
from sopengine.domain.audit_chain import GENESIS_HASH, ChainReport, event_hash, verify_chain
from sopengine.observability import context as request_context


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
    advisory lock; on SQLite the transaction takes the write lock (one writer at a time)
    before the head is read.
    """
    dialect_of(session).serialize_audit_appends(session)
    head = events.head(session)
    event = AuditEvent(
        seq=head.seq + 1 if head else 1,
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        action=action,
        sop_code=sop_code,
        version_number=version_number,
        details=details or {},
        prev_hash=head.hash if head else GENESIS_HASH,
        request_id=request_context.request_id(),
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    has_more: bool


def list_events(session: Session, *, after_seq: int, limit: int, sop_code: str | None) -> EventPage:
    """Up to ``limit`` events after ``after_seq`` in chain order, and whether more follow."""
    rows = events.after(session, after_seq, limit + 1, sop_code=sop_code)
    return EventPage(rows[:limit], len(rows) > limit)


def verify(session: Session, public_keys: Sequence[Ed25519PublicKey] = ()) -> ChainReport:
    """The whole chain, against its checkpoints (their signatures too, given the keys)."""
    return verify_chain(events.in_chain_order(session), events.checkpoints(session), public_keys)


def head_hash(session: Session) -> str:
    head = events.head(session)
    return head.hash if head else GENESIS_HASH
