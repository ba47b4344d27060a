"""Reading the audit log: its head, its whole chain in order, pages of it, its checkpoints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import Row, func, literal, select
from sqlalchemy.orm import Session

from sopengine.db.models import AuditCheckpoint, AuditEvent
from sopengine.domain.audit_chain import GENESIS_HASH


class Head(NamedTuple):
    """Where the log stands: the newest event's ``seq`` and hash, ``(0, GENESIS_HASH)``
    while it is empty. Every committed change moves it (``services.audit.record``)."""

    seq: int
    hash: str


HEAD_COLUMNS = (
    select(func.coalesce(func.max(AuditEvent.seq), 0)).scalar_subquery().label("seq"),
    func.coalesce(
        select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1).scalar_subquery(),
        literal(GENESIS_HASH),
    ).label("head_hash"),
)
"""The head as two columns (``seq``, ``head_hash``) to add to a statement that reads
something else: one round trip, and both read from the statement's snapshot."""


def head(session: Session) -> Row[int, str] | None:
    """``(seq, hash)`` of the newest event, or None while the log is empty."""
    return session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()


def in_chain_order(session: Session) -> Iterable[AuditEvent]:
    """Every event, oldest first, fetched in batches: the log may be far larger than memory."""
    return session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    )


def after(
    session: Session, seq: int, limit: int, *, sop_code: str | None = None
) -> list[AuditEvent]:
    """Up to ``limit`` events following ``seq``, oldest first, optionally of one SOP only."""
    query = select(AuditEvent).where(AuditEvent.seq > seq)
    if sop_code:
        query = query.where(AuditEvent.sop_code == sop_code)
    return list(session.scalars(query.order_by(AuditEvent.seq).limit(limit)))


def checkpoints(session: Session) -> list[AuditCheckpoint]:
    """Every signed checkpoint, oldest first (a few per day: small enough to hold)."""
    return list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
