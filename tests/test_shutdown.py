"""SIGTERM, as Docker and systemd send it: requests under way finish, the worker gives
back what it has not sent, and both processes exit by themselves."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sopengine.config import Settings
from sopengine.db.models import WebhookAttempt, WebhookDelivery
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.observability import context
from sopengine.services import officials, webhooks
from tests.helpers import FAST_ARGON2, free_port, wait_until_healthy
from tests.receiver import receiver

pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SOPENGINE_DATABASE_URL": url, "SOPENGINE_LOG_FORMAT": "json"}
    env.update({f"SOPENGINE_{k.upper()}": str(v) for k, v in FAST_ARGON2.items()})
    env.update(extra)
    return env


@contextmanager
def serving(url: str, log: Path, **extra: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sopengine.cli", "serve", "--no-upgrade", "--port", str(port)],
            env=_env(url, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", server)
            yield server, port
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(timeout=30)


def _start_slow_sign_in(port: int, body: bytes) -> socket.socket:
    """A sign-in whose body is half sent; returns once the app has started reading it
    (the server's ``100 Continue`` proves the request is in the application)."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=60)
    conn.sendall(
        b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
        b"X-Request-ID: in-flight-1\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    conn.sendall(body[: len(body) // 2])
    assert conn.recv(64).startswith(b"HTTP/1.1 100 Continue")
    return conn


def _read_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_the_api_finishes_a_request_under_way_then_exits(scratch_url: str, tmp_path: Path) -> None:
    body = json.dumps({"email": "nobody@example.org", "password": "not the password"}).encode()
    with serving(scratch_url, tmp_path / "serve.log") as (server, port):
        conn = _start_slow_sign_in(port, body)
        server.send_signal(signal.SIGTERM)
        conn.sendall(body[len(body) // 2 :])
        answer = _read_all(conn)
        conn.close()
        assert server.wait(timeout=60) == 0
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 401 Unauthorized", answer
    assert b"x-request-id: in-flight-1" in head.lower()
    assert json.loads(payload)["status"] == 401
    lines = [
        json.loads(line)
        for line in (tmp_path / "serve.log").read_text().splitlines()
        if line.startswith("{")
    ]
    (logged,) = [line for line in lines if line.get("request_id") == "in-flight-1"]
    assert logged["route"] == "/api/v1/session" and logged["status"] == 401


def test_a_request_that_never_ends_is_cut_at_the_shutdown_timeout(
    scratch_url: str, tmp_path: Path
) -> None:
    body = json.dumps({"email": "nobody@example.org", "password": "never sent whole"}).encode()
    with serving(scratch_url, tmp_path / "serve.log", SOPENGINE_SHUTDOWN_TIMEOUT_SECONDS="2") as (
        server,
        port,
    ):
        conn = _start_slow_sign_in(port, body)
        server.send_signal(signal.SIGTERM)
        # It exits although the request never completes, and says why.
        assert server.wait(timeout=60) == 0
        conn.close()
    assert "timeout graceful shutdown exceeded" in (tmp_path / "serve.log").read_text()


def _fill_outbox(url: str, hook_url: str, events: int) -> None:
    settings = Settings(database_url=url, webhook_allowed_hosts="127.0.0.0/8")
    engine = make_engine(settings)
    with make_sessionmaker(engine).begin() as session:
        admin = officials.create_official(session, None, officials.NewOfficial("Admin", ["admin"]))
        webhooks.subscribe(
            session, settings, admin, webhooks.NewSubscription(hook_url, ["review.due"])
        )
        context.begin("outbox-request-7")
        for i in range(events):
            webhooks.emit(
                session, "review.due", sop_code=f"SOP-{i}", ministries=["MOI"], data={"n": i}
            )
    engine.dispose()


def test_the_worker_finishes_its_sends_and_gives_back_the_rest(
    scratch_url: str, tmp_path: Path
) -> None:
    stderr = tmp_path / "worker.log"
    # Three waves of eight concurrent sends (the worker's pool), two seconds each: SIGTERM
    # lands during the first or second wave, however busy the machine, so part of the
    # batch is always unsent.
    with receiver(delay=2.0) as rx:
        _fill_outbox(scratch_url, rx.url, events=24)
        env = _env(
            scratch_url,
            SOPENGINE_WEBHOOK_ALLOWED_HOSTS="127.0.0.0/8",
            SOPENGINE_WEBHOOK_BATCH_SIZE="24",
            SOPENGINE_WEBHOOK_LEASE_SECONDS="600",
        )
        with stderr.open("wb") as err:
            worker = subprocess.Popen(
                [sys.executable, "-m", "sopengine.cli", "worker"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=err,
            )
            rx.wait_for(1, timeout=60)  # sends are under way
            worker.send_signal(signal.SIGTERM)
            out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
        received = len(rx.requests)
    assert b"worker stopped" in out

    engine = make_engine(Settings(database_url=scratch_url))
    with engine.connect() as conn:
        deliveries = conn.execute(
            select(
                WebhookDelivery.id,
                WebhookDelivery.status,
                WebhookDelivery.attempts,
                WebhookDelivery.lease_until,
            )
        ).all()
        attempts = dict(
            conn.execute(
                select(WebhookAttempt.delivery_id, func.count()).group_by(
                    WebhookAttempt.delivery_id
                )
            ).all()
        )
    engine.dispose()
    # Every send that reached the receiver was recorded; nothing stays leased; a delivery
    # given back unsent does not count an attempt.
    assert sum(attempts.values()) == received
    assert all(d.lease_until is None for d in deliveries)
    assert all(d.attempts == attempts.get(d.id, 0) for d in deliveries)
    delivered = [d for d in deliveries if d.status == "delivered"]
    assert len(delivered) == received
    assert 0 < received < 24, "stopped with part of the batch unsent"

    logged = [json.loads(line) for line in stderr.read_text().splitlines() if line.startswith("{")]
    tried = [line for line in logged if line["event"] == "delivery attempt"]
    assert len(tried) == received
    assert all(
        line["request_id"] == "outbox-request-7" and line["outcome"] == "success" for line in tried
    )
    assert any(line["event"] == "released unsent deliveries" for line in logged)
