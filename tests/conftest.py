"""Test database and app fixtures.

The schema is built once per test process with ``alembic upgrade head`` on SQLite (a
temporary file of the process's own) or, when ``SOPENGINE_TEST_DATABASE_URL`` is set, on
PostgreSQL in a schema of the process's own (``test_gw0``, ``test_gw1`` … under
pytest-xdist, ``test_main`` without it), so parallel workers can share one database. Each
test runs inside one outer transaction that is rolled back afterwards; the app's sessions
join it through savepoints, so a request's commit is real to the test and gone after it.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import PACKAGE_ROOT, Settings
from sopengine.db.dialects import postgresql
from sopengine.db.session import make_engine
from sopengine.main import create_app
from tests.database import WORKER, in_schema, reset_postgres_schema, upgrade, upgrade_url
from tests.helpers import FAST_ARGON2, Officials, make_officials

TEST_DATABASE_URL = os.environ.get("SOPENGINE_TEST_DATABASE_URL")
TEST_SCHEMA = f"test_{WORKER}"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (in the addopts): xdist's worker per CPU, but none when every argument
    names a test by hand (``pytest tests/x.py::test_y``): starting workers would cost more
    than they save, and ``--pdb`` works."""
    if config.args and all("::" in arg for arg in config.args):
        return 0
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests (LibreOffice, separate processes, the browser) first, in their usual order:
    under pytest-xdist the quick ones then fill in around them, where a slow one handed out
    last would keep one worker busy while the others sit idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return in_schema(TEST_DATABASE_URL, TEST_SCHEMA)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        max_body_bytes=64 * 1024,
        export_cache_dir=tmp_path_factory.mktemp("export-cache"),
        export_cache_mb=0,  # tests that cache turn it on (rolled-back tests reuse row ids)
        webhook_allowed_hosts="127.0.0.0/8",
        webhook_backoff_seconds=0.2,
        webhook_lease_seconds=2,
        **FAST_ARGON2,
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        reset_postgres_schema(engine, TEST_SCHEMA)
    with engine.connect() as conn:
        upgrade(conn)
    with pytest.MonkeyPatch.context() as patch:
        if postgres:
            # Advisory locks are database-wide, and a test's outer transaction keeps the
            # audit chain's lock until its rollback: with the app's one key, a worker's test
            # would wait for the other worker's test to end (and a short statement timeout
            # would fire). Each worker's chain lives in its own schema, so it gets its own key.
            patch.setattr(postgresql, "AUDIT_CHAIN_LOCK_KEY", zlib.crc32(TEST_SCHEMA.encode()))
        yield engine
    if postgres:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{TEST_SCHEMA}" CASCADE'))
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]):
    return create_app(settings, session_factory)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as c:
        yield c


@pytest.fixture
def officials(db: Session) -> Officials:
    people = make_officials(db)
    db.commit()
    return people


@pytest.fixture
def templates_dir() -> Path:
    return PACKAGE_ROOT / "sop_templates"


@pytest.fixture
def scratch_url(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """An empty database at head outside the per-test transaction, for work across processes.

    SQLite: a new file. PostgreSQL: a scratch schema of the test database (via search_path).
    """
    if engine.dialect.name != "postgresql":
        url = f"sqlite:///{tmp_path / 'scratch.db'}"
        upgrade_url(url)
        yield url
        return
    schema = f"scratch_{os.getpid()}"
    reset_postgres_schema(engine, schema)
    base = engine.url.difference_update_query(["options"]).render_as_string(hide_password=False)
    url = in_schema(base, schema)
    upgrade_url(url)
    try:
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
