"""Figures for watching the service (read by ``/metrics``): the outbox, reviews, the audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from sopengine.db.models import (
    AuditEvent,
    SignOff,
    SopVersion,
    VersionMinistry,
    WebhookAttempt,
    WebhookDelivery,
)
from sopengine.domain.webhooks import DeliveryStatus
from sopengine.domain.workflow import State


def deliveries_by_state(session: Session) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in DeliveryStatus), 0)
    rows = session.execute(
        select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
    )
    counts.update(dict(rows.all()))
    return counts


def oldest_due_delivery(session: Session, now: datetime) -> datetime | None:
    """When the longest-waiting pending delivery fell due (None: nothing is due)."""
    return session.scalar(
        select(func.min(WebhookDelivery.next_attempt_at)).where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
    )


def attempts_by_outcome(session: Session) -> dict[str, int]:
    """``success``; ``http_error`` (the receiver answered non-2xx); ``error`` (no answer)."""
    outcome = select(
        WebhookAttempt.success,
        WebhookAttempt.status_code.is_not(None).label("answered"),
        func.count(),
    ).group_by(WebhookAttempt.success, "answered")
    counts = {"success": 0, "http_error": 0, "error": 0}
    for success, answered, count in session.execute(outcome):
        key = "success" if success else "http_error" if answered else "error"
        counts[key] += count
    return counts


def open_review_rounds(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(SopVersion).where(SopVersion.state == State.IN_REVIEW)
        )
        or 0
    )


def overdue_signoffs(session: Session, today: date) -> dict[str, int]:
    """Per ministry: versions in review past their respond-by date that it has not decided
    in the current round on the current text (what the version shows as ``overdue``)."""
    decided = exists().where(
        and_(
            SignOff.version_id == SopVersion.id,
            SignOff.ministry_code == VersionMinistry.ministry_code,
            SignOff.review_round == SopVersion.review_round,
            SignOff.content_hash == SopVersion.content_hash,
        )
    )
    rows = session.execute(
        select(VersionMinistry.ministry_code, func.count())
        .join(SopVersion, SopVersion.id == VersionMinistry.version_id)
        .where(SopVersion.state == State.IN_REVIEW, SopVersion.respond_by < today, ~decided)
        .group_by(VersionMinistry.ministry_code)
    )
    return dict(rows.all())


def audit_events_written(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0
