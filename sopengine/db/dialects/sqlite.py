"""SQLite: one writer at a time (writing transactions begin IMMEDIATE), FTS5 search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, TextClause, text
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from sopengine.db.dialects.query import Query
from sopengine.db.session import take_write_lock


class SQLite:
    name = "sqlite"

    def insert_unless_exists(self, model: type[Any], **values: Any) -> Insert:
        return insert(model).values(**values).on_conflict_do_nothing()

    def serialize_audit_appends(self, session: Session) -> None:
        # A writing transaction began IMMEDIATE (db/session.py) and already is the only
        # writer; a reading one (a GET) becomes it now, before the chain's head is read.
        take_write_lock(session.connection())

    def skip_locked(self, query: Query, of: type[Any]) -> Query:
        # No row locks in SQLite; writers are serialized, so no two claims overlap.
        return query

    def full_text_matches(self, words: list[str]) -> TextClause:
        # Each word quoted: FTS5 syntax characters in the input stay plain text.
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        return text(
            "SELECT rowid AS sop_id, -bm25(fts_sop_search, 10.0, 1.0) AS rank "
            "FROM fts_sop_search WHERE fts_sop_search MATCH :match"
        ).bindparams(match=match)
