"""Full-text search over the latest version of every SOP, in every language.

The service keeps ``sop_search_documents`` in step with every create, edit and revision
(same transaction); the database indexes it: a GIN expression index on PostgreSQL, an
FTS5 table on SQLite (migration 0004), each queried by its dialect (``db/dialects``).
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, Subquery, column
from sqlalchemy.orm import Session

from sopengine.db.dialects import dialect_of
from sopengine.db.models import SopSearchDocument, SopVersion
from sopengine.domain import search
from sopengine.domain.content import SopContent


def refresh(session: Session, version: SopVersion) -> None:
    """Index this version as its SOP's latest text."""
    doc = search.document(version.title, SopContent.model_validate(version.content))
    row = session.get(SopSearchDocument, version.sop_id)
    if row is None:
        session.add(
            SopSearchDocument(
                sop_id=version.sop_id, version_id=version.id, title=doc.title, body=doc.body
            )
        )
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
    sql = dialect_of(session).full_text_matches(words)
    return sql.columns(column("sop_id", Integer), column("rank", Float)).subquery("ranked")
