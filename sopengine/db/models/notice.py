from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sopengine.db.base import Base, utcnow
from sopengine.db.models.official import Official
from sopengine.domain.notices import Status


class Notice(Base):
    """One e-mail to one official: a notice of one outbox event, or a day's digest of them.

    Derived by the worker from ``webhook_events``; ``message_id`` is the ``Message-ID``
    header, the same at every retry so mail servers de-duplicate.
    """

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("official_id", "event_id"),
        UniqueConstraint("official_id", "digest_of"),
        Index("ix_notices_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_events.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(40))
    """A ``domain.notices.Kind``, or ``digest`` for a day's digest message."""
    event_type: Mapped[str | None] = mapped_column(String(40))
    sop_code: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]]
    """What the message says: the event's data and what the worker looked up for it."""
    mode: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default=Status.PENDING)
    digest_day: Mapped[date | None]
    """For a held notice: the day whose digest it joins."""
    digest_of: Mapped[date | None]
    """For a digest message: the day it gathers (one per official and day)."""
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="SET NULL"), index=True
    )
    """For a notice gathered into a digest: that digest message."""
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    official: Mapped[Official] = relationship(lazy="raise")


class NoticeAttempt(Base):
    __tablename__ = "notice_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    address: Mapped[str] = mapped_column(String(320))
    success: Mapped[bool]
    smtp_code: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str] = mapped_column(String(100), default="")


class NoticePreference(Base):
    """How an official wants one kind of notice (no row: immediately)."""

    __tablename__ = "notice_preferences"

    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))


class SignoffReminder(Base):
    """That a deadline notice went out to a pending ministry (once per round and kind)."""

    __tablename__ = "signoff_reminders"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), primary_key=True
    )
    review_round: Mapped[int] = mapped_column(primary_key=True)
    ministry_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    deadline: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
