"""The delivery worker across processes: killed mid-batch, and two workers sharing the outbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from sopengine.config import Settings
from sopengine.db.models import WebhookAttempt, WebhookDelivery
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.services import delivery, officials, webhooks
from tests.helpers import free_port, wait_until_healthy
from tests.receiver import receiver

EVENTS = 40


pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


def fill_outbox(url: str, hook_url: str, events: int = EVENTS) -> None:
    """A subscription and ``events`` outbox events, committed to the scratch database."""
    settings = Settings(database_url=url, webhook_allowed_hosts="127.0.0.0/8")
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        admin = officials.create_official(session, None, officials.NewOfficial("Admin", ["admin"]))
        webhooks.subscribe(
            session, settings, admin, webhooks.NewSubscription(hook_url, ["review.due"])
        )
        for i in range(events):
            webhooks.emit(
                session, "review.due", sop_code=f"SOP-{i}", ministries=["MOI"], data={"n": i}
            )
    engine.dispose()


def worker_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SOPENGINE_DATABASE_URL": url,
        "SOPENGINE_WEBHOOK_ALLOWED_HOSTS": "127.0.0.0/8",
        "SOPENGINE_WEBHOOK_LEASE_SECONDS": "2",
        "SOPENGINE_WEBHOOK_BATCH_SIZE": "10",
        "SOPENGINE_WORKER_INTERVAL_SECONDS": "0.2",
    }


def test_worker_killed_mid_batch_loses_nothing(scratch_url: str) -> None:
    with receiver(delay=0.5) as rx:
        fill_outbox(scratch_url, rx.url)
        cmd = [sys.executable, "-m", "sopengine.cli", "worker"]
        first = subprocess.Popen(
            cmd, env=worker_env(scratch_url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        rx.wait_for(3)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        seen_before_kill = len(rx.requests)
        assert seen_before_kill < EVENTS, "the worker was killed mid-batch"

        time.sleep(2.2)  # the killed worker's leases expire
        rx.delay = 0
        again = subprocess.run(
            [*cmd, "--once"],
            env=worker_env(scratch_url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr

    engine = make_engine(Settings(database_url=scratch_url))
    with engine.connect() as conn:
        statuses = Counter(conn.execute(select(WebhookDelivery.status)).scalars())
        message_ids = set(conn.execute(select(WebhookDelivery.message_id)).scalars())
    engine.dispose()
    assert statuses == {"delivered": EVENTS}
    received = {r.headers["webhook-id"] for r in rx.requests}
    assert received == message_ids, (
        "everything delivered at least once, under its stable webhook-id"
    )
    by_id: dict[str, set[bytes]] = {}
    for r in rx.requests:
        by_id.setdefault(r.headers["webhook-id"], set()).add(r.body)
    assert all(len(bodies) == 1 for bodies in by_id.values()), "a resend carries the same body"


def test_two_workers_never_send_the_same_attempt_twice(scratch_url: str) -> None:
    with receiver(delay=0.05) as rx:
        fill_outbox(scratch_url, rx.url)
        settings = Settings(
            database_url=scratch_url,
            webhook_allowed_hosts="127.0.0.0/8",
            webhook_batch_size=3,
            worker_interval_seconds=0.05,
        )
        engines = [make_engine(settings) for _ in range(2)]
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=delivery.run, args=(make_sessionmaker(e), settings), kwargs={"stop": stop}
            )
            for e in engines
        ]
        for t in threads:
            t.start()
        rx.wait_for(EVENTS, timeout=60)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        with engines[0].connect() as conn:
            attempts = conn.execute(select(func.count()).select_from(WebhookAttempt)).scalar_one()
            workers = Counter(conn.execute(select(WebhookAttempt.worker)).scalars())
        for e in engines:
            e.dispose()
    ids = Counter(r.headers["webhook-id"] for r in rx.requests)
    assert len(ids) == EVENTS and set(ids.values()) == {1}, "no message was sent twice"
    assert attempts == EVENTS
    assert sum(workers.values()) == EVENTS


def test_serve_with_worker_delivers(scratch_url: str) -> None:
    with receiver() as rx:
        fill_outbox(scratch_url, rx.url, events=3)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sopengine.cli",
                "serve",
                "--port",
                str(port),
                "--with-worker",
                "--log-level",
                "warning",
            ],
            env=worker_env(scratch_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            rx.wait_for(3, timeout=60)
            wait_until_healthy(f"http://127.0.0.1:{port}", server, timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert sorted(json.loads(r.body)["data"]["n"] for r in rx.requests) == [0, 1, 2]
