"""A worker told to stop gives back the deliveries it claimed but has not sent."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.models import WebhookAttempt, WebhookDelivery
from sopengine.services import delivery, officials, webhooks


def test_a_stopped_worker_releases_its_claims_without_counting_an_attempt(
    db: Session, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    admin = officials.create_official(db, None, officials.NewOfficial("Hook admin", ["admin"]))
    webhooks.subscribe(
        db, settings, admin, webhooks.NewSubscription("http://127.0.0.1:9/hook", ["review.due"])
    )
    for i in range(3):
        webhooks.emit(db, "review.due", sop_code=f"SOP-{i}", ministries=["MOI"], data={"n": i})
    db.commit()
    stop = threading.Event()
    stop.set()
    with httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(500))) as client:
        assert delivery.drain_once(session_factory, settings, client, stop) == 0
    db.expire_all()
    rows = db.scalars(select(WebhookDelivery)).all()
    assert len(rows) == 3
    assert all(d.lease_until is None and d.attempts == 0 and d.status == "pending" for d in rows)
    assert db.scalars(select(WebhookAttempt)).all() == []
    # Not stopped: the same deliveries are claimed and sent at once.
    with httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(500))) as client:
        assert delivery.drain_once(session_factory, settings, client, threading.Event()) == 3
