"""stored search vector: PostgreSQL keeps each search document's tsvector in a column

The GIN index of 0004 was on an expression, so every ranked row recomputed to_tsvector over
its whole text (milliseconds a row). The vector is now a column, ``fts_vector``, computed by a
trigger whenever a document's title or body is written (as SQLite's FTS5 triggers do), and
the GIN index is on it. SQLite is unchanged: FTS5 already stores its index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The expression of 0004, frozen here: the vector keeps exactly the meaning it had.
PG_VECTOR = (
    "setweight(to_tsvector('english', {0}title), 'A') || "
    "setweight(to_tsvector('english', {0}body), 'B')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE sop_search_documents ADD COLUMN fts_vector tsvector")
    op.execute(
        "CREATE FUNCTION fts_sop_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN NEW.fts_vector := {PG_VECTOR.format('NEW.')}; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER fts_sop_search_vector BEFORE INSERT OR UPDATE OF title, body "
        "ON sop_search_documents FOR EACH ROW EXECUTE FUNCTION fts_sop_search_vector()"
    )
    op.execute(f"UPDATE sop_search_documents SET fts_vector = {PG_VECTOR.format('')}")
    op.execute("ALTER TABLE sop_search_documents ALTER COLUMN fts_vector SET NOT NULL")
    op.execute("DROP INDEX fts_sop_search_documents")
    op.execute(
        "CREATE INDEX fts_sop_search_documents ON sop_search_documents USING gin (fts_vector)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX fts_sop_search_documents")
    op.execute("DROP TRIGGER fts_sop_search_vector ON sop_search_documents")
    op.execute("DROP FUNCTION fts_sop_search_vector()")
    op.execute("ALTER TABLE sop_search_documents DROP COLUMN fts_vector")
    op.execute(
        "CREATE INDEX fts_sop_search_documents ON sop_search_documents "
        f"USING gin (({PG_VECTOR.format('')}))"
    )
