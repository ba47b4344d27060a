"""Test database and app fixtures.

The schema is built once per run with ``alembic upgrade head`` on SQLite (a temporary
file) or on PostgreSQL when ``SOPENGINE_TEST_DATABASE_URL`` is set. Each test runs inside
one outer transaction that is rolled back afterwards; the app's sessions join it through
savepoints, so a request's commit is real to the test and gone after it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import PACKAGE_ROOT, Settings
from sopengine.db.session import make_engine
from sopengine.main import create_app
from tests.database import reset_postgres_schema, upgrade, upgrade_url
from tests.helpers import FAST_ARGON2, Officials, make_officials

TEST_DATABASE_URL = os.environ.get("SOPENGINE_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
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
    if engine.dialect.name == "postgresql":
        reset_postgres_schema(engine)
    with engine.connect() as conn:
        upgrade(conn)
    yield engine
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
    base = engine.url.render_as_string(hide_password=False)
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    upgrade_url(url)
    try:
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
