from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from sopengine.db.base import Base, utcnow
from sopengine.domain.workflow import State


class Sop(Base):
    """The stable identity of one procedure; its texts live in versions."""

    __tablename__ = "sops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    thematic_area: Mapped[str] = mapped_column(String(40), index=True)
    lead_ministry_code: Mapped[str] = mapped_column(ForeignKey("ministries.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))

    versions: Mapped[list[SopVersion]] = relationship(
        back_populates="sop", lazy="raise", order_by="SopVersion.number"
    )


class SopVersion(Base):
    """One numbered text of an SOP with its own workflow state.

    ``row_version`` is bumped by SQLAlchemy on every UPDATE (optimistic locking) and is
    what the ETag is made of.
    """

    __tablename__ = "sop_versions"
    __table_args__ = (
        UniqueConstraint("sop_id", "number"),
        # Does this SOP have a version in that state (the list's filters): one probe each.
        Index("ix_sop_versions_sop_id_state", "sop_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_id: Mapped[int] = mapped_column(ForeignKey("sops.id", ondelete="CASCADE"))
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT, index=True)
    title: Mapped[dict[str, Any]]
    languages: Mapped[list[str]]
    primary_language: Mapped[str] = mapped_column(String(8))
    content: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    change_summary: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    review_round: Mapped[int] = mapped_column(default=0, server_default="0")
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    respond_by: Mapped[date | None]
    endorsed_at: Mapped[datetime | None]
    applied_at: Mapped[datetime | None]
    effective_date: Mapped[date | None]
    review_due: Mapped[date | None] = mapped_column(index=True)
    superseded_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    sop: Mapped[Sop] = relationship(back_populates="versions", lazy="raise")
    ministries: Mapped[list[VersionMinistry]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="VersionMinistry.ministry_code"
    )

    ministry_codes: Mapped[str | None] = query_expression()
    """The required ministries' codes joined by commas, when a read query aggregated them
    into the version's own row (``versions.version_to_read``) instead of loading
    ``ministries``: one row per version, not one per ministry."""

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012

    @property
    def required_ministries(self) -> list[str]:
        """The ministries whose signatures the version needs, in code order."""
        if self.ministry_codes is not None:
            return sorted(code for code in self.ministry_codes.split(",") if code)
        return [m.ministry_code for m in self.ministries]


class VersionMinistry(Base):
    """A ministry whose signature a version needs."""

    __tablename__ = "sop_version_ministries"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("sop_versions.id", ondelete="CASCADE"), primary_key=True
    )
    ministry_code: Mapped[str] = mapped_column(
        ForeignKey("ministries.code"), primary_key=True, index=True
    )
