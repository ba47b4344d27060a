"""SQLite: one writer at a time (writing transactions begin IMMEDIATE), FTS5 search."""

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
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from sopengine.db.dialects.query import Query
from sopengine.db.session import take_write_lock


class SQLite:
    name = "sqlite"
    serializes_writers = True

    def insert_unless_exists(self, model: type[Any], **values: Any) -> Insert:
        return insert(model).values(**values).on_conflict_do_nothing()

    def serialize_audit_appends(self, session: Session) -> None:
        # A writing transaction began IMMEDIATE (db/session.py) and already is the only
        # writer; a reading one (a GET) becomes it now, before the chain's head is read.
        take_write_lock(session.connection())

    def skip_locked(self, query: Query, of: type[Any]) -> Query:
        # No row locks in SQLite; writers are serialized, so no two claims overlap.
        return query

    def full_text_hits(self, words: list[str]) -> Select[tuple[int, int, float]]:
        # Each word quoted: FTS5 syntax characters in the input stay plain text.
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        # bm25 reads FTS5's own index (title weighted 10, body 1), for the rows kept only.
        rank = -func.bm25(literal_column("fts_sop_search"), 10.0, 1.0, type_=Float)
        return (
            select(_DOCUMENTS.c.sop_id, _DOCUMENTS.c.version_id, rank.label("rank"))
            .select_from(_FTS.join(_DOCUMENTS, _DOCUMENTS.c.sop_id == _FTS.c.rowid))
            .where(text("fts_sop_search MATCH :match").bindparams(match=match))
        )


# FTS5's table (made by migration 0004, kept by triggers) and the documents it indexes.
_FTS = table("fts_sop_search", column("rowid", Integer))
_DOCUMENTS = table("sop_search_documents", column("sop_id", Integer), column("version_id", Integer))
