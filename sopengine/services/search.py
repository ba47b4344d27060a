"""Full-text search over the latest version of every SOP, in every language.

The service keeps ``sop_search_documents`` in step with every create, edit and revision
(same transaction); the database indexes it: a stored tsvector with a GIN index on
PostgreSQL (migrations 0004 and 0008), an FTS5 table on SQLite (0004), each queried by its
dialect (``db/dialects``).
"""

from __future__ import annotations

from sqlalchemy import Select
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


def hits(session: Session, query: str) -> Select[tuple[int, int, float]] | None:
    """``(sop_id, version_id, rank)`` of the SOPs matching every word of the query.

    ``version_id`` is the SOP's latest version; higher ranks are better. Unordered and
    unlimited: the caller filters and limits before ordering, so that ranks are computed only
    for the rows it keeps. None when the query has no words (only punctuation or operators).
    """
    words = search.terms(query)
    if not words:
        return None
    return dialect_of(session).full_text_hits(words)
