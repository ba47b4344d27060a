"""Full-text search over the latest version of every SOP, in every language.

The service keeps ``sop_search_documents`` in step with every create, edit and revision
(same transaction); the database indexes it: a GIN expression index on PostgreSQL, an
FTS5 table on SQLite (migration 0004).
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, Subquery, column, text
from sqlalchemy.orm import Session

from sopengine.db.models import SopSearchDocument, SopVersion
from sopengine.domain import search
from sopengine.domain.content import SopContent

PG_VECTOR = (
    "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
)


def refresh(session: Session, version: SopVersion) -> None:
    """Index this version as its SOP's latest text."""
    doc = search.document(version.title, SopContent.model_validate(version.content))
    row = session.get(SopSearchDocument, version.sop_id)
    if row is None:
        session.add(SopSearchDocument(sop_id=version.sop_id, version_id=version.id,
                                      title=doc.title, body=doc.body))  # fmt: skip
    else:
        row.version_id, row.title, row.body = version.id, doc.title, doc.body
    session.flush()


def ranked(session: Session, query: str) -> Subquery | None:
    """``(sop_id, rank)`` of the SOPs matching every word of the query, higher rank first.

    None when the query has no words (only punctuation or operators).
    """
    words = search.terms(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        sql = text(
            f"SELECT d.sop_id AS sop_id, ts_rank({_on('d')}, q) AS rank "
            "FROM sop_search_documents d, plainto_tsquery('english', :q) q "
            f"WHERE {_on('d')} @@ q"
        ).bindparams(q=" ".join(words))
    else:
        # Each word quoted: FTS5 syntax characters in the input stay plain text.
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        sql = text(
            "SELECT rowid AS sop_id, -bm25(fts_sop_search, 10.0, 1.0) AS rank "
            "FROM fts_sop_search WHERE fts_sop_search MATCH :match"
        ).bindparams(match=match)
    return sql.columns(column("sop_id", Integer), column("rank", Float)).subquery("ranked")


def _on(alias: str) -> str:
    return PG_VECTOR.replace("title", f"{alias}.title").replace("body", f"{alias}.body")
