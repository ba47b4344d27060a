from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from sopengine.db.base import Base


class SopSearchDocument(Base):
    """The folded text of an SOP's latest version, all languages; what full-text search reads.

    The full-text index itself is dialect-specific and made by migration 0004: a GIN
    expression index (``fts_…``) on PostgreSQL, an FTS5 table kept by triggers on SQLite.
    """

    __tablename__ = "sop_search_documents"

    sop_id: Mapped[int] = mapped_column(ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_versions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
