"""Invitations: a one-time link with which a person chooses (or resets) a password."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Invitation, Official
from sopengine.db.repositories import sessions
from sopengine.domain import notices
from sopengine.domain.roles import Kind
from sopengine.domain.text import text_problems
from sopengine.errors import Conflict, FieldError, Gone, NotFound, ValidationFailed, pointer
from sopengine.services import audit, passwords

INVITE_PATH = "/invite/"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    url: str
    expires_at: datetime


def issue(session: Session, settings: Settings, actor: Official | None, person: Official) -> Issued:
    """A new link for the person; earlier links stop working.

    For a person who already has a password this is a reset: the password is cleared and
    every session of that person ends, so only the holder of the new link gets in.
    """
    if person.kind != Kind.PERSON:
        raise Conflict("a ministry's system has no password: issue it an API token instead")
    if not person.active:
        raise Conflict("the official is deactivated; reactivate it first")
    now = utcnow()
    session.execute(
        update(Invitation)
        .where(
            Invitation.official_id == person.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    reset = person.password_hash is not None
    if reset:
        person.password_hash = None
        sessions.end_all(session, person.id)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        official_id=person.id,
        token_hash=_hash(token),
        created_at=now,
        created_by_id=actor.id if actor else None,
        expires_at=now + timedelta(hours=settings.invitation_hours),
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor,
        "invitation.issued",
        details={
            "official_id": person.id,
            "reset": reset,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return Issued(f"{settings.public_url}{INVITE_PATH}{token}", invitation.expires_at)


def pending(session: Session, token: str) -> tuple[Invitation, Official]:
    """The invitation this token opens, if it still may be used (404 unknown, 410 spent)."""
    row = session.execute(
        select(Invitation, Official)
        .join(Official, Invitation.official_id == Official.id)
        .where(Invitation.token_hash == _hash(token))
    ).first()
    if row is None:
        raise NotFound("this invitation link is not known; ask an admin for a new one")
    invitation, person = row
    if invitation.used_at is not None:
        raise Gone("this invitation link has already been used; sign in, or ask for a new link")
    if invitation.revoked_at is not None or not person.active:
        raise Gone("this invitation link was replaced or withdrawn; ask an admin for a new one")
    if utcnow() >= invitation.expires_at:
        raise Gone("this invitation link has expired; ask an admin for a new one")
    return invitation, person


def accept(
    session: Session, settings: Settings, token: str, password: str, email: str | None = None
) -> Official:
    """Set the person's password (and e-mail, when it has none yet) and spend the link."""
    invitation, person = pending(session, token)
    errors: list[FieldError] = []
    address, problem = notices.email_problem(email) if email else (person.email, None)
    if problem:
        errors.append(FieldError(pointer("email"), problem))
    elif address is None:
        errors.append(FieldError(pointer("email"), "an e-mail address is needed to sign in"))
    errors += text_problems({"email": email})
    errors += passwords.problems(password, name=person.name, email=address)
    if errors:
        raise ValidationFailed(errors)
    if person.email is None:
        taken = session.scalar(select(Official.id).where(Official.email == address))
        if taken is not None:
            raise Conflict(f"an official with email {address} already exists")
        person.email = address
    now = utcnow()
    person.password_hash = passwords.hash_password(settings, password)
    person.password_changed_at = now
    invitation.used_at = now
    session.flush()
    audit.record(session, person, "invitation.accepted", details={"official_id": person.id})
    return person
