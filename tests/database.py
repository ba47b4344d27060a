"""Building test databases the only way the schema is made: with the migrations."""

from __future__ import annotations

import os
from urllib.parse import quote

from alembic import command
from sqlalchemy import Connection, Engine, text

from sopengine.config import Settings
from sopengine.db.migrate import alembic_config
from sopengine.db.session import make_engine

__all__ = [
    "WORKER",
    "alembic_config",
    "in_schema",
    "reset_postgres_schema",
    "upgrade",
    "upgrade_url",
]

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
"""This test process's name: ``gw0``, ``gw1`` … under pytest-xdist, else ``main``. On
PostgreSQL each process works in schemas of its own, named after it, so parallel workers
sharing one test database never touch each other's tables."""


def upgrade(connection: Connection, target: str = "head") -> None:
    command.upgrade(alembic_config(connection), target)
    connection.commit()


def upgrade_url(url: str) -> None:
    """Bring the database at ``url`` to head, through an engine of its own."""
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            upgrade(conn)
    finally:
        engine.dispose()


def in_schema(url: str, schema: str) -> str:
    """The PostgreSQL ``url`` with every connection's search_path set to ``schema``: the
    app, alembic and any subprocess given the URL all work in that schema alone."""
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


def reset_postgres_schema(engine: Engine, schema: str = "public") -> None:
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
