"""Building test databases the only way the schema is made: with the migrations."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, Engine, text

from sopengine.config import Settings
from sopengine.db.migrate import alembic_config
from sopengine.db.session import make_engine

__all__ = ["alembic_config", "reset_postgres_schema", "upgrade", "upgrade_url"]


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


def reset_postgres_schema(engine: Engine, schema: str = "public") -> None:
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
