from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sopengine.db.base import Base, utcnow


class Official(Base):
    """A person (signs in with a password) or a ministry's system (API tokens only)."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    ministry_code: Mapped[str | None] = mapped_column(ForeignKey("ministries.code"), index=True)
    roles: Mapped[list[str]]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(10), default="person", server_default="person")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """Argon2id; None until the person accepts an invitation (and always for systems)."""
    password_changed_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))
    """The interface language the person chose (ar or en); None: the browser's."""


class ApiToken(Base):
    """An API token, kept only as the SHA-256 of its value; the value is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    """Set at issue, optional: the token stops working then."""

    official: Mapped[Official] = relationship(lazy="raise", foreign_keys=[official_id])
