"""The migrations are the only way the schema is made, and they match the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, inspect, text

from sopengine.db.base import Base, include_in_autogenerate
from tests.database import WORKER, alembic_config, upgrade

SCHEMA = f"migration_check_{WORKER}"


@pytest.fixture
def empty_connection(engine: Engine, tmp_path) -> Iterator[Connection]:
    """A connection to an empty database: a fresh SQLite file, or a scratch PostgreSQL schema."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
            conn.execute(text(f'SET search_path TO "{SCHEMA}"'))
            conn.commit()
            yield conn
            conn.rollback()
            conn.execute(text("RESET search_path"))  # the worker's schema, from the URL
            conn.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
            conn.commit()
    else:
        scratch = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        with scratch.connect() as conn:
            yield conn
        scratch.dispose()


def test_upgrade_gives_exactly_the_models_schema(empty_connection: Connection) -> None:
    upgrade(empty_connection)
    context = MigrationContext.configure(
        empty_connection, opts={"compare_type": True, "include_name": include_in_autogenerate}
    )
    assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_up_again(empty_connection: Connection) -> None:
    upgrade(empty_connection)
    command.downgrade(alembic_config(empty_connection), "base")
    empty_connection.commit()
    assert inspect(empty_connection).get_table_names() == ["alembic_version"]
    upgrade(empty_connection)
    ministries = (
        empty_connection.execute(text("SELECT code FROM ministries ORDER BY code")).scalars().all()
    )
    assert ministries == ["MFA", "MOI", "MOLSA", "MOMD", "MOP"]
