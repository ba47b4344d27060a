"""The schema's migrations, shipped inside the package, and where a database stands.

Nothing here reads ``alembic.ini``: an installed wheel upgrades its database from any
directory. (The checkout's ``alembic.ini`` points at the same scripts, for developers.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from sopengine.config import PACKAGE_ROOT

MIGRATIONS_DIR = PACKAGE_ROOT / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the packaged migrations, run on ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["configure_logging"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the packaged migrations have no head"
    return head


class Standing(StrEnum):
    EMPTY = "empty"
    BEHIND = "behind"
    AT_HEAD = "at_head"
    AHEAD = "ahead"
    """Migrated by a newer sopengine: a revision these migrations do not know."""


@dataclass(frozen=True)
class SchemaState:
    standing: Standing
    current: str | None
    head: str

    def describe(self) -> str:
        if self.standing is Standing.AHEAD:
            return (
                f"the database is at schema revision {self.current}, which this sopengine "
                f"(head {self.head}) does not know: a newer sopengine migrated it. Run that "
                "version, or restore a backup taken before the upgrade"
            )
        if self.standing is Standing.AT_HEAD:
            return f"schema at head ({self.head})"
        return (
            f"schema at {self.current or 'nothing'}, head is {self.head}: run sopengine db upgrade"
        )


def schema_state(connection: Connection) -> SchemaState:
    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    currents = MigrationContext.configure(connection).get_current_heads()
    if not currents:
        return SchemaState(Standing.EMPTY, None, head)
    current = currents[0]
    known = {revision.revision for revision in script.walk_revisions()}
    if any(rev not in known for rev in currents):
        return SchemaState(Standing.AHEAD, current, head)
    standing = Standing.AT_HEAD if currents == (head,) else Standing.BEHIND
    return SchemaState(standing, current, head)


class SchemaAhead(RuntimeError):
    pass


def upgrade(engine: Engine) -> None:
    """Bring the database to head; refuse one that a newer sopengine has migrated."""
    with engine.connect() as connection:
        state = schema_state(connection)
        connection.rollback()
        if state.standing is Standing.AHEAD:
            raise SchemaAhead(state.describe())
        command.upgrade(alembic_config(connection), "head")
        connection.commit()
