"""How people prove who they are: invitations, browser sessions, sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sopengine.db.base import Base, utcnow


class Invitation(Base):
    """A one-time link to choose a password; kept only as the SHA-256 of its token."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    """Set when a newer invitation replaces this one."""


class WebSession(Base):
    """A signed-in browser; the cookie holds a random id kept here only as its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), index=True
    )
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    """The absolute end, whatever the activity."""
    address: Mapped[str] = mapped_column(String(64), default="")


class SignInAttempt(Base):
    """Every password check (sign-in or signature): what the throttle counts."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int | None] = mapped_column(
        ForeignKey("officials.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
