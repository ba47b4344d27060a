from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sopengine.db.base import Base, utcnow
from sopengine.db.models.official import Official


class SignOff(Base):
    """One ministry's decision on one version's text; append-only."""

    __tablename__ = "signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True
    )
    ministry_code: Mapped[str] = mapped_column(ForeignKey("ministries.code"))
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    review_round: Mapped[int]
    meaning: Mapped[str] = mapped_column(String(300))
    meaning_ar: Mapped[str] = mapped_column(String(300), default="", server_default="")
    method: Mapped[str] = mapped_column(String(10), default="token", server_default="token")
    """How the signer proved who it was: "password" (a person, re-authenticated at that
    moment) or "token" (a ministry's system)."""
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    official: Mapped[Official] = relationship(lazy="raise")


class Comment(Base):
    """A reviewer's remark anchored to a place in a version's content; threaded, resolvable."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    anchor: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))

    author: Mapped[Official] = relationship(lazy="raise", foreign_keys=[author_id])
