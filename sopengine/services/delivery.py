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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from sopengine import sealing
from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from sopengine.domain.webhooks import DeliveryStatus
from sopengine.services import notice_delivery, retrying, smtp_client, webhook_client
from sopengine.services.housekeeping import housekeeping
from sopengine.services.webhook_client import Outcome

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
    request_id: str | None = None
    """The X-Request-ID of the request that caused the event, for the attempt's log line."""


def claim(session: Session, settings: Settings, now: datetime) -> list[Claimed]:
    query = (
        select(WebhookDelivery)
        .join(WebhookSubscription, WebhookDelivery.subscription_id == WebhookSubscription.id)
        .where(
            WebhookSubscription.active,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(settings.webhook_batch_size)
        .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.subscription))
    )
    query = dialect_of(session).skip_locked(query, WebhookDelivery)
    lease_until = now + timedelta(seconds=settings.webhook_lease_seconds)
    sealer = sealing.sealer(settings)
    claimed = []
    for d in session.scalars(query):
        d.lease_until = lease_until
        try:
            secret = sealing.open_webhook_secret(sealer, d.subscription.sealed_secret)
        except sealing.SealError as exc:
            # Left pending (its lease expires): it is sent once the right key is configured.
            log.error("delivery %s: cannot open the signing secret: %s", d.id, exc)
            continue
        d.attempts += 1
        body = json.dumps(
            d.event.payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        claimed.append(
            Claimed(
                d.id,
                d.message_id,
                d.subscription.url,
                secret,
                body.encode(),
                d.attempts,
                lease_until,
                d.event.request_id,
            )
        )
    session.flush()
    return claimed


def record(session: Session, settings: Settings, claimed: Claimed, outcome: Outcome) -> None:
    delivery = session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
    if delivery is None or delivery.lease_until != claimed.lease_until:
        # Deleted meanwhile, or this worker overran its lease and another one owns it now.
        log.warning("delivery %s: outcome not recorded, lease lost", claimed.delivery_id)
        return
    now = utcnow()
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            success=outcome.success,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            worker=WORKER_ID,
        )
    )
    _log_attempt(claimed, outcome)
    retrying.settle(
        delivery, success=outcome.success, error=outcome.error, now=now, settings=settings
    )
    session.flush()


def release(session: Session, batch: list[Claimed]) -> None:
    """Give claimed deliveries back unsent (the worker is stopping): due again at once, for
    any worker, and the claim does not count as an attempt."""
    for claimed in batch:
        delivery = session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
        if delivery is not None and delivery.lease_until == claimed.lease_until:
            delivery.lease_until = None
            delivery.attempts -= 1
    session.flush()


def drain_once(
    factory: sessionmaker[Session],
    settings: Settings,
    client: httpx.Client,
    stop: threading.Event | None = None,
) -> int:
    """Claim one batch, send it, record the outcomes; answers how many were sent.

    A worker told to stop (SIGTERM) finishes the sends under way and records them, and
    gives back the deliveries of the batch it has not started.
    """
    stopping = stop or threading.Event()
    with factory.begin() as session:
        batch = claim(session, settings, utcnow())
    if not batch:
        return 0

    def send(claimed: Claimed) -> Outcome | None:
        return None if stopping.is_set() else _send(claimed, settings, client)

    with ThreadPoolExecutor(max_workers=min(8, len(batch))) as pool:
        outcomes = list(pool.map(send, batch))
    sent = [(c, o) for c, o in zip(batch, outcomes, strict=True) if o is not None]
    unsent = [c for c, o in zip(batch, outcomes, strict=True) if o is None]
    with factory.begin() as session:
        for claimed, outcome in sent:
            record(session, settings, claimed, outcome)
        if unsent:
            release(session, unsent)
            log.info("released unsent deliveries", extra={"fields": {"count": len(unsent)}})
    return len(sent)


def run(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    client_factory: Callable[[Settings], httpx.Client] = webhook_client.make_client,
) -> int:
    """Deliver until stopped (or, with ``once``, until nothing is due); answers how many sent.

    An error in one round (the database briefly away, a race on a reminder) is logged and
    the next round tries again: the worker itself never dies of it.
    """
    stop = stop or threading.Event()
    sent = 0
    log.info("%s", smtp_client.status_line(settings))
    with client_factory(settings) as client:
        while not stop.is_set():
            try:
                housekeeping(factory, settings)
                count = drain_once(factory, settings, client, stop)
                count += notice_delivery.drain_once(factory, settings)
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


def _log_attempt(claimed: Claimed, outcome: Outcome) -> None:
    log.info(
        "delivery attempt",
        extra={
            "fields": {
                "request_id": claimed.request_id,
                "delivery_id": claimed.delivery_id,
                "message_id": claimed.message_id,
                "attempt": claimed.attempt,
                "outcome": "success" if outcome.success else "failure",
                "status": outcome.status_code,
                "duration_ms": outcome.latency_ms,
                "error": outcome.error,
            }
        },
    )


def _send(claimed: Claimed, settings: Settings, client: httpx.Client) -> Outcome:
    return webhook_client.send(
        client,
        settings,
        url=claimed.url,
        secret=claimed.secret,
        message_id=claimed.message_id,
        body=claimed.body,
    )
