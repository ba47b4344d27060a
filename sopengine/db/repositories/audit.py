"""Reading the audit log: its head, its whole chain in order, pages of it, its checkpoints."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from sopengine.db.models import AuditCheckpoint, AuditEvent


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
