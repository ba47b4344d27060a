"""What an attempt's outcome does to an outbox row (a webhook delivery, an e-mail notice)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sopengine.config import Settings
from sopengine.domain import webhooks as rules
from sopengine.domain.webhooks import DeliveryStatus


class Attempted(Protocol):
    status: str
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None
    last_error: str | None
    delivered_at: datetime | None


def settle(
    row: Attempted, *, success: bool, error: str | None, now: datetime, settings: Settings
) -> None:
    """Delivered; or failed for good after the last attempt; or due again after a backoff."""
    row.lease_until = None
    if success:
        row.status, row.delivered_at, row.last_error = DeliveryStatus.DELIVERED, now, None
    elif row.attempts >= settings.webhook_max_attempts:
        row.status, row.last_error = DeliveryStatus.FAILED, error
    else:
        delay = rules.backoff_seconds(
            row.attempts, settings.webhook_backoff_seconds, settings.webhook_backoff_max_seconds
        )
        row.next_attempt_at = now + timedelta(seconds=delay)
        row.last_error = error
