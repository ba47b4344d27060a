"""The ``sopengine`` command, run as a user would, against its own database."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from sopengine.config import Settings
from sopengine.db.models import AuditCheckpoint, AuditEvent
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.domain.audit_chain import event_hash
from sopengine.domain.content import SopContent
from sopengine.export.manifest import read_manifest
from sopengine.services import drafting, officials, sops
from tests.helpers import free_port, sop_body, token_through_invitation, wait_until_healthy

pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sopengine.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SOPENGINE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    return env


INVITE = r"http://127\.0\.0\.1:8000/invite/[A-Za-z0-9_-]{43}"


def test_officials_create_prints_a_persons_link_and_a_systems_token_last(
    cli_env: dict[str, str],
) -> None:
    up = run(["db", "upgrade"], cli_env)
    assert up.returncode == 0, up.stderr
    made = run(["officials", "create", "--name", "First Admin", "--role", "admin"], cli_env)
    assert made.returncode == 0, made.stderr
    first_link = made.stdout.strip().splitlines()[-1]
    assert re.fullmatch(INVITE, first_link), made.stdout
    system = run(
        [
            "officials",
            "create",
            "--name",
            "MOI system",
            "--role",
            "signatory",
            "--ministry",
            "MOI",
            "--kind",
            "system",
        ],
        cli_env,
    )
    assert system.returncode == 0, system.stderr
    assert re.fullmatch(r"sope_[A-Za-z0-9_-]{43}", system.stdout.strip().splitlines()[-1])

    again = run(["officials", "invite", "First Admin"], cli_env)
    assert again.returncode == 0, again.stderr
    second_link = again.stdout.strip().splitlines()[-1]
    assert re.fullmatch(INVITE, second_link) and second_link != first_link
    off = run(["officials", "deactivate", "First Admin"], cli_env)
    assert off.returncode == 0 and "deactivated" in off.stdout
    assert run(["officials", "invite", "Nobody"], cli_env).returncode == 2

    bad = run(["officials", "create", "--name", "X", "--role", "drafter"], cli_env)
    assert bad.returncode == 2 and "must belong to a ministry" in bad.stderr
    ok = run(
        [
            "officials",
            "create",
            "--name",
            "D",
            "--role",
            "drafter",
            "--role",
            "reviewer",
            "--ministry",
            "MOI",
        ],
        cli_env,
    )
    assert ok.returncode == 0, ok.stderr


def test_first_serve_prints_the_first_admins_link_which_signs_in(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {**cli_env, "SOPENGINE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sopengine.cli",
                "serve",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            health = wait_until_healthy(url, server, timeout=120)
            assert health.json() == {"status": "ok"}
            ready = httpx.get(f"{url}/readyz", timeout=30)
            assert ready.status_code == 200 and ready.json()["status"] == "ready", ready.text
            assert httpx.get(f"{url}/docs", timeout=5).status_code == 200
            assert httpx.get(f"{url}/api/v1/me", timeout=5).status_code == 401
            link = re.search(rf"{url}/invite/[A-Za-z0-9_-]{{43}}", log_path.read_text())
            assert link, log_path.read_text()
            token = token_through_invitation(url, link.group(0), "admin@ministry.gov.iq")
            me = httpx.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.json()["name"] == "Administrator" and me.json()["roles"] == ["admin"]
        finally:
            server.terminate()
            server.wait(timeout=15)
    # Once an admin has a password, a restart prints no link.
    again = run(["db", "upgrade"], env)
    assert again.returncode == 0
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sopengine.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, timeout=120)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert "/invite/" not in output


def test_audit_verify_command_exits_nonzero_when_broken(cli_env: dict[str, str]) -> None:
    assert run(["db", "upgrade"], cli_env).returncode == 0
    for name in ("A", "B", "C"):
        assert (
            run(["officials", "create", "--name", name, "--role", "admin"], cli_env).returncode == 0
        )
    good = run(["audit", "verify"], cli_env)
    # Each admin: created and invited.
    assert good.returncode == 0 and "6 events" in good.stdout

    path = cli_env["SOPENGINE_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE audit_events SET action = 'official.deleted' WHERE seq = 2")
    bad = run(["audit", "verify"], cli_env)
    assert bad.returncode == 1 and "event 2" in bad.stderr


def test_export_command_writes_a_word_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert run(["db", "upgrade"], cli_env).returncode == 0
    engine = make_engine(Settings(database_url=cli_env["SOPENGINE_DATABASE_URL"]))
    with make_sessionmaker(engine).begin() as session:
        facilitator = officials.create_official(
            session, None, officials.NewOfficial("F", ["facilitator"])
        )
        body = sop_body()
        text = drafting.TextInput(
            title=body["title"],
            languages=body["languages"],
            primary_language="en",
            required_ministries=body["required_ministries"],
            content=SopContent.model_validate(body["content"]),
        )
        sops.create_sop(
            session,
            facilitator,
            sops.NewSop(
                code="SOP-RR-001",
                text=text,
                thematic_area="return_reintegration",
                lead_ministry="MOMD",
            ),
        )
    engine.dispose()

    out = tmp_path / "sop.docx"
    done = run(["export", "SOP-RR-001", "--lang", "ar", "-o", str(out)], cli_env)
    assert done.returncode == 0, done.stderr
    assert "rendering SOP-RR-001 version 1" in done.stderr
    manifest = read_manifest(out.read_bytes())
    assert manifest["language"] == "ar" and manifest["version"] == "1"
    missing = run(["export", "SOP-NONE", "-o", str(out)], cli_env)
    assert missing.returncode == 2 and "no SOP" in missing.stderr


def test_audit_keygen_checkpoint_and_verify_with_the_public_key(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    private, public = tmp_path / "audit.pem", tmp_path / "audit.pub.pem"
    made = run(
        ["audit", "keygen", "--private-key", str(private), "--public-key", str(public)], cli_env
    )
    assert made.returncode == 0, made.stderr
    assert private.stat().st_mode & 0o777 == 0o600
    assert run(["db", "upgrade"], cli_env).returncode == 0
    assert run(["officials", "create", "--name", "A", "--role", "admin"], cli_env).returncode == 0
    unsigned = run(["audit", "checkpoint"], cli_env)
    assert unsigned.returncode != 0 and "SOPENGINE_AUDIT_SIGNING_KEY" in unsigned.stderr
    signed = run(["audit", "checkpoint"], {**cli_env, "SOPENGINE_AUDIT_SIGNING_KEY": str(private)})
    assert signed.returncode == 0 and "event 2" in signed.stdout, signed.stderr

    good = run(["audit", "verify", "--public-key", str(public)], cli_env)
    assert good.returncode == 0 and "1 checkpoints" in good.stdout, good.stderr

    # Rewrite event 1, recompute every hash and the checkpoint's, as anyone with the database
    # could; only the signature cannot be redone without the private key.
    url = cli_env["SOPENGINE_DATABASE_URL"]
    engine = make_engine(Settings(database_url=url))
    with make_sessionmaker(engine).begin() as session:
        prev = None
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
            if event.seq == 1:
                event.details = {**event.details, "name": "Mallory"}
            if prev is not None:
                event.prev_hash = prev
            event.hash = event_hash(event)
            prev = event.hash
        session.execute(update(AuditCheckpoint).values(event_hash=prev))
    engine.dispose()
    plain = run(["audit", "verify"], cli_env)
    assert plain.returncode == 0 and "WARNING" in plain.stderr, "without the key it passes"
    bad = run(["audit", "verify", "--public-key", str(public)], cli_env)
    assert bad.returncode == 1 and "checkpoint 1" in bad.stderr and "signature" in bad.stderr
