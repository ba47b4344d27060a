"""On SQLite a read does not take the write lock: a GET answers while a writer holds it.

These tests use an SQLite file of their own whatever the suite's backend, since what they
check is how sopengine begins SQLite transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from sopengine.config import Settings
from sopengine.db.models import ApiToken, Official
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.database import upgrade_url
from tests.helpers import FAST_ARGON2, make_person


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite:///{tmp_path / 'reads.db'}"
    upgrade_url(url)
    # A writer waits this long for the lock before 'database is locked'.
    return Settings(database_url=url, sqlite_busy_timeout_ms=300, **FAST_ARGON2)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def token(engine: Engine) -> str:
    with make_sessionmaker(engine).begin() as session:
        return make_person(session, "Reader", ["reviewer"], "MOI").token


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as c:
        yield c


@pytest.fixture
def writer(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Another process's long write transaction, holding SQLite's write lock."""
    path = settings.database_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path, isolation_level=None)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


async def test_a_read_answers_while_a_writer_holds_the_lock(
    client: httpx.AsyncClient, token: str, writer: sqlite3.Connection
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200  # token touched
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE officials SET position = 'busy' WHERE name = 'nobody'")
    for path in ("/api/v1/me", "/api/v1/ministries", "/api/v1/sops"):
        r = await client.get(path, headers=headers)
        assert r.status_code == 200, r.text
    writer.execute("COMMIT")


def test_a_read_that_must_write_waits_its_turn_on_a_fresh_snapshot(
    engine: Engine, token: str, writer: sqlite3.Connection
) -> None:
    """A reading transaction that read, then finds another writer committed meanwhile, still
    writes: it is promoted to a new write transaction rather than upgraded in place (which
    fails at once with SQLITE_BUSY_SNAPSHOT, 'database is locked')."""
    reading = make_sessionmaker(engine, reading=True)
    with reading() as session:
        row = session.scalar(select(ApiToken).order_by(ApiToken.id.desc()).limit(1))
        assert row is not None
        writer.execute("UPDATE officials SET position = 'elsewhere'")  # commits at once
        row.label = "written by a read"
        session.flush()
        session.commit()
    with reading() as session:
        assert session.scalar(select(ApiToken.label).where(ApiToken.id == row.id)) == (
            "written by a read"
        )
        assert set(session.scalars(select(Official.position))) == {"elsewhere"}
