"""/healthz and /readyz, and a database migrated by a newer sopengine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import text

from sopengine.config import Settings
from sopengine.db import migrate
from sopengine.db.session import make_engine
from sopengine.main import create_app
from tests.helpers import FAST_ARGON2, free_port


async def get(settings: Settings, path: str) -> httpx.Response:
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        return await client.get(path)


async def test_live_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {
            "database": "ok",
            "sop_templates": "ok",
            "word_template": "ok",
            "page_templates": "ok",
        },
    }


async def test_not_ready_before_the_migrations(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}", **FAST_ARGON2)
    assert (await get(settings, "/healthz")).status_code == 200
    ready = await get(settings, "/readyz")
    assert ready.status_code == 503
    assert "run sopengine db upgrade" in ready.json()["checks"]["database"]


async def test_not_ready_without_sop_templates(scratch_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=scratch_url, templates_dir=tmp_path, **FAST_ARGON2)
    ready = await get(settings, "/readyz")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"] == "ok" and "no SOP templates" in checks["sop_templates"]


async def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    ready = await get(settings, "/readyz")
    assert ready.status_code == 503 and "OperationalError" in ready.json()["checks"]["database"]


def _migrated_by_a_newer_sopengine(url: str) -> None:
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        with engine.connect() as conn:
            assert migrate.schema_state(conn).standing is migrate.Standing.AHEAD
    finally:
        engine.dispose()


def _sopengine(args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOPENGINE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "sopengine.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_a_database_ahead_of_the_code_is_refused(scratch_url: str) -> None:
    _migrated_by_a_newer_sopengine(scratch_url)
    ready = await get(Settings(database_url=scratch_url), "/readyz")
    assert ready.status_code == 503
    assert "a newer sopengine migrated it" in ready.json()["checks"]["database"]
    port = str(free_port())
    for args in (["serve", "--port", port], ["serve", "--no-upgrade", "--port", port]):
        refused = _sopengine(args, scratch_url)
        assert refused.returncode == 1, refused.stderr
        assert "refusing to start" in refused.stderr
        assert "9999_from_the_future" in refused.stderr
        assert migrate.head_revision() in refused.stderr
    upgrade = _sopengine(["db", "upgrade"], scratch_url)
    assert upgrade.returncode == 1 and "a newer sopengine migrated it" in upgrade.stderr


def test_serve_without_upgrade_refuses_a_database_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    refused = _sopengine(["serve", "--no-upgrade", "--port", str(free_port())], url)
    assert refused.returncode == 1
    assert "run sopengine db upgrade" in refused.stderr
