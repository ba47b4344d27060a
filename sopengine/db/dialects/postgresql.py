"""PostgreSQL: row locks that skip what others hold, advisory locks, tsvector search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Float,
    Insert,
    Integer,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR, insert
from sqlalchemy.orm import Session

from sopengine.db.dialects.query import Query

# Any constant works; it names "the audit chain" among PostgreSQL advisory locks.
AUDIT_CHAIN_LOCK_KEY = 0x50_4F_45_6E_67_41_75_64

# The search documents as full-text search reads them: ``fts_vector`` is the stored tsvector
# (weights A for the title, B for the body), written by a trigger and GIN-indexed (migration
# 0008); it is not in the ORM model because SQLite has no such column.
_DOCUMENTS = table(
    "sop_search_documents",
    column("sop_id", Integer),
    column("version_id", Integer),
    column("fts_vector", TSVECTOR),
)


class PostgreSQL:
    name = "postgresql"
    serializes_writers = False

    def insert_unless_exists(self, model: type[Any], **values: Any) -> Insert:
        return insert(model).values(**values).on_conflict_do_nothing()

    def serialize_audit_appends(self, session: Session) -> None:
        # Transaction-scoped: released by the commit or rollback, never left behind.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK_KEY})

    def skip_locked(self, query: Query, of: type[Any]) -> Query:
        return query.with_for_update(skip_locked=True, of=of)

    def full_text_hits(self, words: list[str]) -> Select[tuple[int, int, float]]:
        # plainto_tsquery is immutable: planned once, not per row. The rank reads the stored
        # vector, so it costs microseconds a row, and only for the rows the caller keeps.
        query = func.plainto_tsquery(literal_column("'english'::regconfig"), " ".join(words))
        rank = func.ts_rank(_DOCUMENTS.c.fts_vector, query, type_=Float)
        return select(_DOCUMENTS.c.sop_id, _DOCUMENTS.c.version_id, rank.label("rank")).where(
            _DOCUMENTS.c.fts_vector.bool_op("@@")(query)
        )
