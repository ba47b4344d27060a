"""PostgreSQL: row locks that skip what others hold, advisory locks, tsvector search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, TextClause, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from sopengine.db.dialects.query import Query

# Any constant works; it names "the audit chain" among PostgreSQL advisory locks.
AUDIT_CHAIN_LOCK_KEY = 0x50_4F_45_6E_67_41_75_64

# The very expression of the GIN index made by migration 0004: the planner uses the index
# only when a query repeats it exactly.
PG_VECTOR = (
    "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
)


class PostgreSQL:
    name = "postgresql"

    def insert_unless_exists(self, model: type[Any], **values: Any) -> Insert:
        return insert(model).values(**values).on_conflict_do_nothing()

    def serialize_audit_appends(self, session: Session) -> None:
        # Transaction-scoped: released by the commit or rollback, never left behind.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK_KEY})

    def skip_locked(self, query: Query, of: type[Any]) -> Query:
        return query.with_for_update(skip_locked=True, of=of)

    def full_text_matches(self, words: list[str]) -> TextClause:
        return text(
            f"SELECT d.sop_id AS sop_id, ts_rank({_on('d')}, q) AS rank "
            "FROM sop_search_documents d, plainto_tsquery('english', :q) q "
            f"WHERE {_on('d')} @@ q"
        ).bindparams(q=" ".join(words))


def _on(alias: str) -> str:
    return PG_VECTOR.replace("title", f"{alias}.title").replace("body", f"{alias}.body")
