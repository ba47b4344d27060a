from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sopengine.db.base import Base, utcnow


class ExportRecord(Base):
    """The register of Word files handed out: what lets an uploaded file be verified."""

    __tablename__ = "export_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(10))
    base_version: Mapped[int | None]
    text_fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    exported_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
