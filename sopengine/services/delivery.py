"""The webhook delivery worker: claim due deliveries, send them signed, record every attempt.

A claim is a short transaction that leases deliveries to this worker (PostgreSQL:
``SELECT … FOR UPDATE SKIP LOCKED``, so workers on any number of hosts never take the same
delivery; SQLite: writers are serialized). Sending happens outside any transaction; the
outcome is recorded in another. A worker killed mid-batch loses nothing: its leases expire
and the deliveries are sent again, with the same ``webhook-id``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import (
    ReviewReminder,
    Sop,
    SopVersion,
    WebhookAttempt,
    WebhookDelivery,
)
from sopengine.domain import webhooks as rules
from sopengine.services import webhooks

log = logging.getLogger("sopengine.worker")

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    message_id: str
    url: str
    secret: str
    body: bytes
    attempt: int


@dataclass(frozen=True)
class Outcome:
    success: bool
    status_code: int | None
    latency_ms: int
    error: str | None


def claim(session: Session, settings: Settings, now: datetime) -> list[Claimed]:
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(settings.webhook_batch_size)
        .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.subscription))
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
    claimed = []
    for d in session.scalars(query):
        d.lease_until = now + timedelta(seconds=settings.webhook_lease_seconds)
        d.attempts += 1
        body = json.dumps(
            d.event.payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        claimed.append(Claimed(d.id, d.message_id, d.subscription.url, d.subscription.secret,
                               body.encode(), d.attempts))  # fmt: skip
    session.flush()
    return claimed


def send(claimed: Claimed, settings: Settings, client: httpx.Client) -> Outcome:
    started = time.monotonic()
    # Checked again at send time: a host name may have been pointed somewhere internal since.
    problem = rules.url_problem(claimed.url, settings.webhook_allowed_hosts)
    if problem:
        return Outcome(False, None, 0, f"refused: {problem}")
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "sopengine-webhooks/1",
        "webhook-id": claimed.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": rules.sign(
            claimed.secret, claimed.message_id, timestamp, claimed.body
        ),
    }
    try:
        response = client.post(claimed.url, content=claimed.body, headers=headers,
                               timeout=settings.webhook_timeout_seconds, follow_redirects=False)  # fmt: skip
    except httpx.HTTPError as exc:
        return Outcome(False, None, _ms(started), f"{type(exc).__name__}: {exc}"[:1000])
    ok = 200 <= response.status_code < 300
    return Outcome(
        ok, response.status_code, _ms(started), None if ok else f"HTTP {response.status_code}"
    )


def record(session: Session, settings: Settings, claimed: Claimed, outcome: Outcome) -> None:
    delivery = session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
    if delivery is None:  # the subscription was deleted meanwhile
        return
    now = utcnow()
    session.add(WebhookAttempt(
        delivery_id=delivery.id, attempted_at=now, success=outcome.success,
        status_code=outcome.status_code, latency_ms=outcome.latency_ms, error=outcome.error,
        worker=WORKER_ID,
    ))  # fmt: skip
    delivery.lease_until = None
    if outcome.success:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
    elif delivery.attempts >= settings.webhook_max_attempts:
        delivery.status, delivery.last_error = "failed", outcome.error
    else:
        delay = rules.backoff_seconds(
            delivery.attempts,
            settings.webhook_backoff_seconds,
            settings.webhook_backoff_max_seconds,
        )
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        delivery.last_error = outcome.error
    session.flush()


def drain_once(factory: sessionmaker[Session], settings: Settings, client: httpx.Client) -> int:
    """Claim one batch, send it, record the outcomes; answers how many were sent."""
    with factory.begin() as session:
        batch = claim(session, settings, utcnow())
    if not batch:
        return 0
    with ThreadPoolExecutor(max_workers=min(8, len(batch))) as pool:
        outcomes = list(pool.map(lambda c: send(c, settings, client), batch))
    with factory.begin() as session:
        for claimed, outcome in zip(batch, outcomes, strict=True):
            record(session, settings, claimed, outcome)
    return len(batch)


def announce_reviews(session: Session, settings: Settings, today: date) -> int:
    """Emit ``review.due`` once per applied version and review date, ahead of the date."""
    horizon = today + timedelta(days=settings.review_notice_days)
    due = session.scalars(
        select(SopVersion)
        .join(Sop, SopVersion.sop_id == Sop.id)
        .where(SopVersion.state == "applied", SopVersion.review_due <= horizon)
        .where(~select(ReviewReminder.version_id).where(
            ReviewReminder.version_id == SopVersion.id,
            ReviewReminder.review_due == SopVersion.review_due).exists())
        .options(selectinload(SopVersion.sop), selectinload(SopVersion.ministries))
        .with_for_update(of=SopVersion, skip_locked=True)
    ).all()  # fmt: skip
    for version in due:
        assert version.review_due is not None
        session.add(ReviewReminder(version_id=version.id, review_due=version.review_due))
        session.flush()
        webhooks.emit_for_version(session, "review.due", version,
                                  review_due=version.review_due.isoformat())  # fmt: skip
    return len(due)


def run(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    client_factory: Callable[[], httpx.Client] = httpx.Client,
) -> int:
    """Deliver until stopped (or, with ``once``, until nothing is due); answers how many sent."""
    stop = stop or threading.Event()
    sent = 0
    with client_factory() as client:
        while not stop.is_set():
            with factory.begin() as session:
                announce_reviews(session, settings, utcnow().date())
            count = drain_once(factory, settings, client)
            sent += count
            if count:
                continue
            if once:
                break
            stop.wait(settings.worker_interval_seconds)
    return sent


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
