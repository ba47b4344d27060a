"""Officials (people and ministries' systems), their API tokens, and their active flag."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from sopengine.db.base import utcnow
from sopengine.db.models import ApiToken, Ministry, Official
from sopengine.db.repositories import sessions, tokens
from sopengine.domain import notices
from sopengine.domain.roles import Kind, Role, role_ministry_problem
from sopengine.domain.text import text_problems
from sopengine.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
    pointer,
)
from sopengine.services import audit

TOKEN_PREFIX = "sope_"
INVALID_TOKEN = "the API token is not valid (unknown, revoked or expired)"
"""The one answer to every refused token: which of these it was is audited, not said."""


class TokenRefused(Unauthorized):
    """A refused API token, with the reason kept for the audit log (never in the answer)."""

    def __init__(
        self, reason: str, token_id: int | None = None, official_id: int | None = None
    ) -> None:
        super().__init__(INVALID_TOKEN)
        self.reason, self.token_id, self.official_id = reason, token_id, official_id


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewOfficial:
    name: str
    roles: list[str]
    ministry: str | None = None
    position: str = ""
    email: str | None = None
    kind: Kind = Kind.PERSON


def create_official(session: Session, actor: Official | None, data: NewOfficial) -> Official:
    """Create a person (who is then invited) or a ministry's system (which is given a token)."""
    roles = list(dict.fromkeys(data.roles))
    unknown = [r for r in roles if r not in Role.__members__.values()]
    errors = [FieldError(pointer("roles"), f"unknown role {r!r}") for r in unknown]
    if data.ministry is not None and session.get(Ministry, data.ministry) is None:
        errors.append(FieldError(pointer("ministry"), f"unknown ministry {data.ministry!r}"))
    problem = role_ministry_problem(roles, data.ministry)
    if problem:
        errors.append(FieldError(pointer("roles"), problem))
    if data.kind == Kind.SYSTEM and data.ministry is None:
        errors.append(FieldError(pointer("ministry"), "a system belongs to a ministry"))
    errors += text_problems({"name": data.name, "position": data.position, "email": data.email})
    email, email_problem = notices.email_problem(data.email) if data.email else (None, None)
    if email_problem:
        errors.append(FieldError(pointer("email"), email_problem))
    if errors:
        raise ValidationFailed(errors)
    if email and session.scalar(select(Official.id).where(Official.email == email)) is not None:
        raise Conflict(f"an official with email {email} already exists")

    official = Official(
        name=data.name.strip(),
        position=data.position.strip(),
        email=email,
        ministry_code=data.ministry,
        roles=roles,
        active=True,
        kind=data.kind,
    )
    session.add(official)
    session.flush()
    audit.record(
        session,
        actor,
        "official.created",
        details={
            "official_id": official.id,
            "name": official.name,
            "kind": official.kind,
            "roles": roles,
            "ministry": data.ministry,
        },
    )
    return official


def normalized_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def get_official(session: Session, official_id: int) -> Official:
    official = session.get(Official, official_id)
    if official is None:
        raise NotFound(f"no official {official_id}")
    return official


def find_official(session: Session, ref: str) -> Official:
    """By id, e-mail address or exact name (for the command line)."""
    query = select(Official)
    if ref.isdigit():
        query = query.where(Official.id == int(ref))
    elif "@" in ref:
        query = query.where(Official.email == normalized_email(ref))
    else:
        query = query.where(Official.name == ref.strip())
    found = session.scalars(query.limit(2)).all()
    if len(found) != 1:
        raise NotFound(
            f"no official {ref!r}"
            if not found
            else f"several officials are named {ref!r}; use the id"
        )
    return found[0]


def admin_without_password(session: Session) -> Official | None:
    """While no admin can sign in: the first admin (made now on an empty database)."""
    admins = [
        o
        for o in session.scalars(
            select(Official)
            .where(Official.kind == Kind.PERSON, Official.active)
            .order_by(Official.id)
        )
        if Role.ADMIN in o.roles
    ]
    if any(a.password_hash is not None for a in admins):
        return None
    if admins:
        return admins[0]
    if session.scalar(select(Official.id).limit(1)) is not None:
        return None
    return create_official(session, None, NewOfficial(name="Administrator", roles=[Role.ADMIN]))


def issue_token(
    session: Session,
    official: Official,
    issued_by: Official | None,
    label: str = "",
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token; its value is answered only here and stored only as a hash."""
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationFailed([FieldError(pointer("expires_at"), "must be in the future")])
    if errors := text_problems({"label": label}):
        raise ValidationFailed(errors)
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        official_id=official.id,
        token_hash=hash_token(value),
        prefix=value[:12],
        label=label.strip(),
        issued_by_id=issued_by.id if issued_by else None,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return token, value


def token_for_system(
    session: Session,
    actor: Official | None,
    system: Official,
    label: str = "",
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """An admin's token for a ministry's system. A person's tokens are that person's own."""
    if system.kind != Kind.SYSTEM:
        raise Forbidden(
            "an admin issues tokens only for ministries' systems; a person issues its own "
            "tokens after signing in"
        )
    token, value = issue_token(session, system, actor, label, expires_at)
    audit.record(
        session,
        actor,
        "token.issued",
        details={"official_id": system.id, "token_id": token.id, "expires_at": _iso(expires_at)},
    )
    return token, value


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def own_token(
    session: Session, person: Official, label: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    token, value = issue_token(session, person, person, label, expires_at)
    audit.record(
        session,
        person,
        "token.issued",
        details={
            "official_id": person.id,
            "token_id": token.id,
            "label": token.label,
            "expires_at": _iso(expires_at),
        },
    )
    return token, value


def tokens_of(session: Session, official: Official) -> list[ApiToken]:
    """Every token of the official (revoked and expired too), oldest first."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.official_id == official.id).order_by(ApiToken.id)
        )
    )


def revoke_own_token(session: Session, person: Official, token_id: int) -> ApiToken:
    return revoke_token(session, person, person, token_id)


def revoke_token(
    session: Session, actor: Official | None, official: Official, token_id: int
) -> ApiToken:
    """Revoke one token of the official, by id (its other tokens keep working)."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.official_id == official.id)
    )
    if token is None:
        raise NotFound(f"official {official.id} has no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            "token.revoked",
            details={"official_id": official.id, "token_id": token.id},
        )
    return token


def revoke_tokens(session: Session, actor: Official | None, official: Official) -> int:
    """Revoke every live token of the official; answers how many were revoked."""
    now = utcnow()
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.official_id == official.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    session.flush()
    audit.record(
        session, actor, "token.revoked", details={"official_id": official.id, "tokens": len(tokens)}
    )
    return len(tokens)


def set_active(
    session: Session, actor: Official | None, official: Official, active: bool
) -> Official:
    """Deactivating ends the official's sessions and tokens at once; reactivating restores
    neither (the person signs in again, a system is given a new token)."""
    if actor is not None and official.id == actor.id and not active:
        raise Conflict("an admin cannot deactivate itself")
    if official.active == active:
        return official
    official.active = active
    ended = 0
    if not active:
        ended = sessions.end_all(session, official.id)
        revoke_tokens(session, actor, official)
    session.flush()
    audit.record(
        session,
        actor,
        "official.activated" if active else "official.deactivated",
        details={"official_id": official.id, "sessions_ended": ended},
    )
    return official


_TOKEN_STATE = (ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at)
"""A token as :func:`admit_token` reads it (:class:`TokenState`): read as columns, not as an
object, since nothing of it is kept."""
_BY_HASH = ApiToken.token_hash == bindparam("token_hash")
TOKEN_QUERY = (
    select(*_TOKEN_STATE, Official)
    .join(Official, ApiToken.official_id == Official.id)
    .where(_BY_HASH)
)
"""The token's state and its official, by the token's hash (the parameter ``token_hash``,
from :func:`hash_token`); callers may add columns. Built once: every API request runs it."""
IDENTITY_QUERY = (
    select(
        *_TOKEN_STATE,
        Official.id.label("official_id"),
        Official.active,
        Official.roles,
        Official.ministry_code,
        Official.kind,
    )
    .join(Official, ApiToken.official_id == Official.id)
    .where(_BY_HASH)
)
""":data:`TOKEN_QUERY` with the official's identity as columns instead of the official: for
a read that needs to know who asks (``permissions.Identity``) and nothing else, as plain
rows (no ORM objects are made on the hottest path)."""


class TokenState(Protocol):
    id: int
    revoked_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None


class Holder(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def active(self) -> bool: ...


def admit_token(
    session: Session,
    token: TokenState,
    holder: Holder,
    touch_after: timedelta,
    apart: sessionmaker[Session],
) -> None:
    """Refuses a revoked or expired token, or one whose official is deactivated; records
    when an admitted token was last used. Every refusal is the same ``TokenRefused`` to the
    caller.

    The use is recorded apart from the request's transaction (``apart`` makes the sessions
    for it) and never waits for a lock: see :func:`tokens.record_use`.
    """
    now = utcnow()
    if token.revoked_at is not None:
        raise TokenRefused("revoked", token.id, holder.id)
    if token.expires_at is not None and now >= token.expires_at:
        raise TokenRefused("expired", token.id, holder.id)
    if not holder.active:
        raise TokenRefused("deactivated", token.id, holder.id)
    # Touching on every request would turn every read into a write; a minute's grain is enough.
    if token.last_used_at is None or now - token.last_used_at >= touch_after:
        tokens.record_use(session, apart, token.id, now, now - touch_after)
