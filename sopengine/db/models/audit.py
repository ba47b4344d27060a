from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sopengine.db.base import Base


class AuditEvent(Base):
    """One change, append-only; ``hash`` covers the event and the previous event's hash."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    action: Mapped[str] = mapped_column(String(60))
    sop_code: Mapped[str | None] = mapped_column(String(40), index=True)
    version_number: Mapped[int | None]
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    request_id: Mapped[str | None] = mapped_column(String(128), index=True)
    """The X-Request-ID of the request that wrote it, to find its log lines (not hashed:
    it says where the event came from, not what happened)."""


class AuditCheckpoint(Base):
    """The chain head (``seq``, ``event_hash``) at ``signed_at``, signed with the audit key.

    Not an audit event itself: signing the head must not move it.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(index=True)
    event_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
    trigger: Mapped[str] = mapped_column(String(10))
    """What made it: ``events`` (N events since the last), ``daily``, or ``manual``."""
