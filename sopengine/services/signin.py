"""People signing in: passwords checked under a throttle, server-side sessions, CSRF.

Every password check is recorded (``SignInAttempt``) and every failure is an audit event,
kept even though the request that failed is rolled back (``errors.keeping``). An account
with ``signin_max_failures`` failures since its last success within ``signin_lock_minutes``
is locked for that long, and answers exactly like a wrong password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Official, SignInAttempt, WebSession
from sopengine.db.repositories import audit as events
from sopengine.db.repositories import sessions
from sopengine.db.repositories.audit import Head
from sopengine.db.repositories.prebuilt import prebuilt
from sopengine.domain.roles import Kind
from sopengine.errors import (
    Forbidden,
    ReauthenticationFailed,
    SopError,
    Unauthorized,
    ValidationFailed,
    keeping,
)
from sopengine.services import access, audit, passwords
from sopengine.services.officials import normalized_email

SESSION_COOKIE = "sopengine_session"
CSRF_HEADER = "X-CSRF-Token"
WRONG = "the e-mail address or password is not correct"
_TOUCH = timedelta(seconds=60)
"""How stale a session's last-seen time may get before it is rewritten."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    official: Official
    session_id: str
    """The cookie's value; stored only as its hash."""
    csrf_token: str
    expires_at: datetime


def sign_in(
    session: Session, settings: Settings, email: str, password: str, address: str
) -> SignedIn:
    access.check_address(session, settings, address)
    person = session.scalar(
        select(Official).where(
            Official.email == normalized_email(email), Official.kind == Kind.PERSON
        )
    )
    usable = person is not None and person.active and not _locked(session, settings, person.id)
    # Always one hash check, also for unknown or locked accounts: timing tells nothing.
    matches = passwords.verify(
        settings, person.password_hash if usable and person else None, password
    )
    if not matches or person is None:
        raise _failure(Unauthorized(WRONG), settings, person, address, "signin.failed", email=email)
    if passwords.needs_rehash(settings, person.password_hash or ""):
        person.password_hash = passwords.hash_password(settings, password)
    session.add(SignInAttempt(official_id=person.id, address=address, succeeded=True))
    session_id = secrets.token_urlsafe(32)
    csrf = csrf_for(session_id)
    now = utcnow()
    row = WebSession(
        official_id=person.id,
        id_hash=_hash(session_id),
        csrf_hash=_hash(csrf),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
        address=address[:64],
    )
    session.add(row)
    session.flush()
    audit.record(
        session, person, "signin.succeeded", details={"official_id": person.id, "address": address}
    )
    return SignedIn(person, session_id, csrf, row.expires_at)


def reauthenticate(
    session: Session, settings: Settings, person: Official, password: str | None, address: str
) -> None:
    """A person signing a text proves again who it is (21 CFR 11.200(a)(1))."""
    if password is None:
        raise ReauthenticationFailed(
            'signing needs your password again: send it as "password" with the decision',
            missing="password",
        )
    usable = not _locked(session, settings, person.id)
    if not passwords.verify(settings, person.password_hash if usable else None, password):
        raise _failure(
            ReauthenticationFailed("the password is not correct; the text was not signed"),
            settings,
            person,
            address,
            "signature.password_failed",
        )
    session.add(SignInAttempt(official_id=person.id, address=address, succeeded=True))


def change_password(
    session: Session, settings: Settings, person: Official, current: str, new: str, address: str
) -> None:
    if person.kind != Kind.PERSON:
        raise Forbidden("a ministry's system has no password")
    if not passwords.verify(settings, person.password_hash, current):
        raise _failure(
            Forbidden("the current password is not correct"),
            settings,
            person,
            address,
            "password.change_failed",
        )
    errors = passwords.problems(new, name=person.name, email=person.email, field="new_password")
    if errors:
        raise ValidationFailed(errors)
    person.password_hash = passwords.hash_password(settings, new)
    person.password_changed_at = utcnow()
    session.flush()
    audit.record(session, person, "password.changed", details={"official_id": person.id})


class Admitted(NamedTuple):
    """Who a session cookie belongs to, the session, and where the audit log stood."""

    person: Official
    web: WebSession
    head: Head


_SIGNED_IN = prebuilt(
    select(WebSession, Official, *events.HEAD_COLUMNS)
    .join(Official, WebSession.official_id == Official.id)
    .where(WebSession.id_hash == bindparam("id_hash"))
)
"""Built once: every page and every request signed in with a cookie runs it."""


def authenticate(session: Session, settings: Settings, session_id: str) -> Admitted:
    """The active person this session cookie belongs to, if the session is still alive."""
    row = session.execute(_SIGNED_IN, {"id_hash": _hash(session_id)}).first()
    if row is None:
        raise Unauthorized("you are not signed in (or your session has ended); sign in again")
    web, person, seq, head_hash = row
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if now >= web.expires_at or now - web.last_seen_at >= idle:
        raise Unauthorized("your session has ended; sign in again")
    if not person.active:
        raise Unauthorized("the official's account is deactivated")
    if now - web.last_seen_at >= _TOUCH:
        web.last_seen_at = now
        session.flush()
    return Admitted(person, web, Head(seq, head_hash))


def csrf_for(session_id: str) -> str:
    """The session's CSRF token: derived from the secret session id, so that a page can put
    it in its forms without the service keeping it, and no other session can know it."""
    return hmac.new(session_id.encode(), b"sopengine csrf", hashlib.sha256).hexdigest()


def check_csrf(web: WebSession, token: str | None) -> None:
    """A state-changing request made with a session cookie carries the session's CSRF token."""
    if not token:
        raise Forbidden(f"missing CSRF token: send the {CSRF_HEADER} header you got at sign-in")
    if not hmac.compare_digest(_hash(token), web.csrf_hash):
        raise Forbidden("the CSRF token does not belong to this session")


def sign_out(session: Session, person: Official, web: WebSession) -> None:
    session.delete(web)
    session.flush()
    audit.record(session, person, "signout", details={"official_id": person.id})


def sign_out_everywhere(session: Session, person: Official) -> int:
    count = sessions.end_all(session, person.id)
    audit.record(
        session, person, "signout.everywhere", details={"official_id": person.id, "sessions": count}
    )
    return count


# --- the throttle ------------------------------------------------------------------------


def _locked(session: Session, settings: Settings, official_id: int) -> bool:
    return _failures_since_success(session, settings, official_id) >= settings.signin_max_failures


def _failures_since_success(session: Session, settings: Settings, official_id: int) -> int:
    since = access.window_start(settings)
    last_success = session.scalar(
        select(func.max(SignInAttempt.attempted_at)).where(
            SignInAttempt.official_id == official_id,
            SignInAttempt.succeeded,
            SignInAttempt.attempted_at >= since,
        )
    )
    return (
        session.scalar(
            select(func.count(SignInAttempt.id)).where(
                SignInAttempt.official_id == official_id,
                ~SignInAttempt.succeeded,
                SignInAttempt.attempted_at >= (last_success or since),
            )
        )
        or 0
    )


def _failure(
    error: SopError,
    settings: Settings,
    person: Official | None,
    address: str,
    action: str,
    **details: Any,
) -> SopError:
    """The refusal, keeping the failed attempt (and, at the limit, the lock) on record."""
    official_id = person.id if person is not None else None
    recorded = access.failure(
        error,
        address,
        action,
        official_id,
        {"official_id": official_id, "address": address, **details},
    )
    keep_attempt = recorded.keep
    assert keep_attempt is not None

    def keep(session: Session) -> None:
        keep_attempt(session)
        if official_id is not None and (
            _failures_since_success(session, settings, official_id) == settings.signin_max_failures
        ):
            audit.record(
                session,
                None,
                "signin.locked",
                details={"official_id": official_id, "minutes": settings.signin_lock_minutes},
            )

    return keeping(error, keep)
