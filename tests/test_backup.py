"""Backups that restore: a whole SOP life, backed up while the service runs, restored
into a fresh database that then serves the same record."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from sopengine.config import Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.database import upgrade_url
from tests.helpers import (
    FAST_ARGON2,
    REQUIRED,
    Officials,
    bring_to,
    create_sop,
    free_port,
    make_officials,
)
from tests.helpers import wait_until_healthy as healthy

pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


def _env(url: str) -> dict[str, str]:
    env = {**os.environ, "SOPENGINE_DATABASE_URL": url}
    env.update({f"SOPENGINE_{k.upper()}": str(v) for k, v in FAST_ARGON2.items()})
    return env


def sopengine(args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sopengine.cli", *args],
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=180,
    )


@contextmanager
def serving(url: str, log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sopengine.cli", "serve", "--port", str(port)],
            env=_env(url),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            healthy(base, server)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)


async def test_a_backup_taken_while_serving_restores_the_whole_record(tmp_path: Path) -> None:
    live_url = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade_url(live_url)
    engine = make_engine(Settings(database_url=live_url))
    with make_sessionmaker(engine).begin() as session:
        people = make_officials(session)
    engine.dispose()
    backup_file = tmp_path / "backups" / "sopengine-2026-11-29.db"
    backup_file.parent.mkdir()

    with serving(live_url, tmp_path / "live.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            # Version 1 applied, then superseded by version 2: every state a version passes.
            await bring_to(client, people, "superseded")
            exported = await client.get(
                "/api/v1/sops/SOP-RR-001/versions/2/export.docx?lang=bilingual",
                headers=people.facilitator.headers,
            )
            assert exported.status_code == 200
            taken = sopengine(["db", "backup", str(backup_file)], live_url)
            assert taken.returncode == 0, taken.stderr
            assert "backed up" in taken.stdout
            # Written after the backup: not in it.
            await create_sop(client, people.facilitator, "SOP-AFTER-BACKUP")

    again = sopengine(["db", "backup", str(backup_file)], live_url)
    assert again.returncode == 2 and "never overwrites" in again.stderr

    fresh_url = f"sqlite:///{tmp_path / 'restored' / 'fresh.db'}"
    restored = sopengine(["db", "restore", str(backup_file)], fresh_url)
    assert restored.returncode == 0, restored.stderr
    chain = sopengine(["audit", "verify"], fresh_url)
    assert chain.returncode == 0 and "audit chain intact" in chain.stdout, chain.stderr
    # Restoring over a database that holds data needs --replace.
    over = sopengine(["db", "restore", str(backup_file)], fresh_url)
    assert over.returncode == 2 and "--replace" in over.stderr

    with serving(fresh_url, tmp_path / "restored.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            auth = people.facilitator.headers
            sop = (await client.get("/api/v1/sops/SOP-RR-001", headers=auth)).json()
            assert [(v["number"], v["state"]) for v in sop["versions"]] == [
                (1, "superseded"),
                (2, "applied"),
            ]
            for number in (1, 2):
                signoffs = await client.get(
                    f"/api/v1/sops/SOP-RR-001/versions/{number}/signoffs", headers=auth
                )
                decided = {(s["ministry"], s["decision"]) for s in signoffs.json()}
                assert decided == {(m, "approve") for m in REQUIRED}
            verified = await client.post(
                "/api/v1/exports/verify",
                files={"file": ("SOP-RR-001_v2.docx", exported.content)},
                headers=auth,
            )
            assert verified.status_code == 200, verified.text
            assert verified.json()["verdict"] == "authentic"
            missing = await client.get("/api/v1/sops/SOP-AFTER-BACKUP", headers=auth)
            assert missing.status_code == 404
            audit = await client.get("/api/v1/audit/verify", headers=people.admin.headers)
            assert audit.status_code == 200 and audit.json()["ok"] is True


def test_backup_of_postgresql_points_at_pg_dump(tmp_path: Path) -> None:
    url = "postgresql+psycopg://sopengine:secret@db.example/sopengine"
    refused = sopengine(["db", "backup", str(tmp_path / "x.dump")], url)
    assert refused.returncode == 2
    assert "pg_dump --format=custom" in refused.stderr and "secret" not in refused.stderr
    assert not (tmp_path / "x.dump").exists()


@pytest.mark.parametrize("kind", ["missing", "not sopengine"])
def test_restore_refuses_what_is_not_a_backup(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "source.db"
    if kind == "not sopengine":
        import sqlite3

        with sqlite3.connect(source) as db:
            db.execute("CREATE TABLE t (x)")
    refused = sopengine(["db", "restore", str(source)], f"sqlite:///{tmp_path / 'target.db'}")
    assert refused.returncode == 2, refused.stderr
    assert not (tmp_path / "target.db").exists()


async def _life_in_process(url: str) -> tuple[bytes, Officials]:
    """A whole SOP life through the app (in process), and the Word file of version 2."""
    settings = Settings(database_url=url, **FAST_ARGON2)
    engine = make_engine(settings)
    with make_sessionmaker(engine).begin() as session:
        people = make_officials(session)
    engine.dispose()
    app = create_app(settings)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=120
        ) as client,
        app.router.lifespan_context(app),
    ):
        await bring_to(client, people, "superseded")
        exported = await client.get(
            "/api/v1/sops/SOP-RR-001/versions/2/export.docx", headers=people.facilitator.headers
        )
    assert exported.status_code == 200
    return exported.content, people


def test_the_documented_pg_dump_and_pg_restore_procedure(
    engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    """PostgreSQL: the README's pg_dump / pg_restore commands bring back a verifiable record."""
    if engine.dialect.name != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL with pg_dump and pg_restore")
    import anyio

    docx, people = anyio.run(_life_in_process, scratch_url)
    source = make_url(scratch_url)
    schema = source.query["options"].split("search_path=", 1)[1]
    libpq = source.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    dump = tmp_path / "sopengine.dump"
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--schema={schema}",
            "--file",
            str(dump),
            libpq,
        ],
        check=True,
        timeout=300,
    )
    restored_db = f"{source.database}_restored"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{restored_db}"'))
        admin.execute(text(f'CREATE DATABASE "{restored_db}"'))
    try:
        target = source.set(database=restored_db)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
             target.set(drivername="postgresql", query={}).render_as_string(hide_password=False),
             str(dump)],
            check=True,
            timeout=300,
        )  # fmt: skip
        restored_url = target.render_as_string(hide_password=False)
        chain = sopengine(["audit", "verify"], restored_url)
        assert chain.returncode == 0 and "audit chain intact" in chain.stdout, chain.stderr
        anyio.run(_check_restored, restored_url, docx, people)
    finally:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)'))


async def _check_restored(url: str, docx: bytes, people: Officials) -> None:
    app = create_app(Settings(database_url=url, **FAST_ARGON2))
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=120
        ) as client,
        app.router.lifespan_context(app),
    ):
        auth = people.facilitator.headers
        sop = (await client.get("/api/v1/sops/SOP-RR-001", headers=auth)).json()
        assert [v["state"] for v in sop["versions"]] == ["superseded", "applied"]
        signoffs = await client.get("/api/v1/sops/SOP-RR-001/versions/2/signoffs", headers=auth)
        assert {s["ministry"] for s in signoffs.json()} == set(REQUIRED)
        verified = await client.post(
            "/api/v1/exports/verify", files={"file": ("v2.docx", docx)}, headers=auth
        )
        assert verified.json()["verdict"] == "authentic", verified.text
