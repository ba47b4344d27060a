"""The webhook delivery worker: claim due deliveries, send them signed, record every attempt.

A claim is a short transaction that leases deliveries to this worker (PostgreSQL:
``SELECT … FOR UPDATE SKIP LOCKED``, so workers on any number of hosts never take the same
delivery; SQLite: writers are serialized). Sending happens outside any transaction; the
outcome is recorded in another, and only while the delivery still carries this worker's
lease (a worker that overran its lease records nothing over the new owner's work). A worker
killed mid-batch loses nothing: its leases expire and the deliveries are sent again, with
the same ``webhook-id``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpcore
import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import (
    ReviewReminder,
    Sop,
    SopVersion,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from sopengine.domain import webhooks as rules
from sopengine.services import audit, idempotency, webhooks

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
    lease_until: datetime
    """The claim's fence: the outcome is recorded only while the delivery still carries it."""


@dataclass(frozen=True)
class Outcome:
    success: bool
    status_code: int | None
    latency_ms: int
    error: str | None


class _VettedBackend(httpcore.SyncBackend):
    """Resolves and vets the host when connecting, and connects to exactly that address.

    One resolution for both the check and the connection: a host name that answers a public
    address to the check and an internal one to the connection (DNS rebinding) gets nowhere.
    TLS still verifies the certificate against the URL's host name.
    """

    def __init__(self, allowed: str) -> None:
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address, problem = rules.vet_host(host, self.allowed)
        if address is None:
            raise httpcore.ConnectError(f"refused: {problem}")
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def make_client(settings: Settings) -> httpx.Client:
    """An HTTP client that only ever connects to vetted addresses, with no proxies from the env."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend: rebuild its pool with ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=transport._pool._ssl_context,
        network_backend=_VettedBackend(settings.webhook_allowed_hosts),
    )
    return httpx.Client(transport=transport, trust_env=False)


def claim(session: Session, settings: Settings, now: datetime) -> list[Claimed]:
    query = (
        select(WebhookDelivery)
        .join(WebhookSubscription, WebhookDelivery.subscription_id == WebhookSubscription.id)
        .where(
            WebhookSubscription.active,
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(settings.webhook_batch_size)
        .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.subscription))
    )
    query = dialect_of(session).skip_locked(query, WebhookDelivery)
    lease_until = now + timedelta(seconds=settings.webhook_lease_seconds)
    claimed = []
    for d in session.scalars(query):
        d.lease_until = lease_until
        d.attempts += 1
        body = json.dumps(
            d.event.payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        claimed.append(Claimed(d.id, d.message_id, d.subscription.url, d.subscription.secret,
                               body.encode(), d.attempts, lease_until))  # fmt: skip
    session.flush()
    return claimed


def send(claimed: Claimed, settings: Settings, client: httpx.Client) -> Outcome:
    """POST one signed delivery; any failure becomes an outcome, never an exception."""
    started = time.monotonic()
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
    except Exception as exc:  # a receiver's failure must never stop the worker
        return Outcome(False, None, _ms(started), f"{type(exc).__name__}: {exc}"[:1000])
    ok = 200 <= response.status_code < 300
    error = None if ok else f"HTTP {response.status_code}"
    return Outcome(ok, response.status_code, _ms(started), error)


def record(session: Session, settings: Settings, claimed: Claimed, outcome: Outcome) -> None:
    delivery = session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
    if delivery is None or delivery.lease_until != claimed.lease_until:
        # Deleted meanwhile, or this worker overran its lease and another one owns it now.
        log.warning("delivery %s: outcome not recorded, lease lost", claimed.delivery_id)
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
    query = (
        select(SopVersion)
        .join(Sop, SopVersion.sop_id == Sop.id)
        .where(SopVersion.state == "applied", SopVersion.review_due <= horizon)
        .where(~select(ReviewReminder.version_id).where(
            ReviewReminder.version_id == SopVersion.id,
            ReviewReminder.review_due == SopVersion.review_due).exists())
        .options(selectinload(SopVersion.sop), selectinload(SopVersion.ministries))
    )  # fmt: skip
    # Another worker announcing the same version holds its row: leave it to that one.
    due = session.scalars(dialect_of(session).skip_locked(query, SopVersion)).all()
    for version in due:
        assert version.review_due is not None
        session.add(ReviewReminder(version_id=version.id, review_due=version.review_due))
        session.flush()
        due_on = version.review_due.isoformat()
        webhooks.emit_for_version(session, "review.due", version, review_due=due_on)
        audit.record(session, None, "review.due", sop_code=version.sop.code,
                     version_number=version.number, details={"review_due": due_on})  # fmt: skip
    return len(due)


def housekeeping(factory: sessionmaker[Session], settings: Settings) -> None:
    with factory.begin() as session:
        announce_reviews(session, settings, utcnow().date())
    with factory.begin() as session:
        idempotency.purge_expired(session, timedelta(hours=settings.idempotency_ttl_hours))


def run(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    client_factory: Callable[[Settings], httpx.Client] = make_client,
) -> int:
    """Deliver until stopped (or, with ``once``, until nothing is due); answers how many sent.

    An error in one round (the database briefly away, a race on a reminder) is logged and
    the next round tries again: the worker itself never dies of it.
    """
    stop = stop or threading.Event()
    sent = 0
    with client_factory(settings) as client:
        while not stop.is_set():
            try:
                housekeeping(factory, settings)
                count = drain_once(factory, settings, client)
            except Exception:
                log.exception("webhook worker round failed; retrying")
                if once:
                    raise
                stop.wait(settings.worker_interval_seconds)
                continue
            sent += count
            if count:
                continue
            if once:
                break
            stop.wait(settings.worker_interval_seconds)
    return sent


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
