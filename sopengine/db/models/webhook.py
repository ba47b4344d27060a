from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sopengine.db.base import Base, utcnow
from sopengine.domain.webhooks import DeliveryStatus


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]]
    ministry_code: Mapped[str | None] = mapped_column(ForeignKey("ministries.code"), index=True)
    sealed_secret: Mapped[str] = mapped_column("secret", String(100))
    """The signing secret, sealed with SOPENGINE_SECRET_KEY (sopengine/sealing.py): never plain."""
    created_by_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class WebhookEvent(Base):
    """The outbox: an event written in the same transaction as the change that caused it."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40), index=True)
    sop_code: Mapped[str | None] = mapped_column(String(40))
    ministries: Mapped[list[str]]
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    notices_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the worker derived the e-mail notices of this event (None: not yet)."""
    request_id: Mapped[str | None] = mapped_column(String(128), index=True)
    """The X-Request-ID of the request that caused the event (the worker logs it)."""


class WebhookDelivery(Base):
    """One event for one subscription; ``message_id`` is the stable webhook-id across retries."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[WebhookEvent] = relationship(lazy="raise")
    subscription: Mapped[WebhookSubscription] = relationship(lazy="raise")


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool]
    status_code: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str] = mapped_column(String(100), default="")


class ReviewReminder(Base):
    """That ``review.due`` was announced for a version's review date (once per date)."""

    __tablename__ = "review_reminders"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), primary_key=True
    )
    review_due: Mapped[date] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
