"""Officials and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.models import ApiToken, Ministry, Official
from sopengine.domain.roles import Role, role_ministry_problem
from sopengine.errors import (
    Conflict,
    FieldError,
    NotFound,
    Unauthorized,
    ValidationFailed,
    pointer,
)
from sopengine.services import audit

TOKEN_PREFIX = "sope_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewOfficial:
    name: str
    roles: list[str]
    ministry: str | None = None
    position: str = ""
    email: str | None = None


def create_official(
    session: Session, actor: Official | None, data: NewOfficial
) -> tuple[Official, str]:
    """Create an official with a first API token; the token's value is returned only here."""
    roles = list(dict.fromkeys(data.roles))
    unknown = [r for r in roles if r not in Role.__members__.values()]
    errors = [FieldError(pointer("roles"), f"unknown role {r!r}") for r in unknown]
    if data.ministry is not None and session.get(Ministry, data.ministry) is None:
        errors.append(FieldError(pointer("ministry"), f"unknown ministry {data.ministry!r}"))
    problem = role_ministry_problem(roles, data.ministry)
    if problem:
        errors.append(FieldError(pointer("roles"), problem))
    if errors:
        raise ValidationFailed(errors)
    email = data.email.strip().lower() if data.email else None
    if email and session.scalar(select(Official.id).where(Official.email == email)) is not None:
        raise Conflict(f"an official with email {email} already exists")

    official = Official(
        name=data.name.strip(),
        position=data.position.strip(),
        email=email,
        ministry_code=data.ministry,
        roles=roles,
        active=True,
    )
    session.add(official)
    session.flush()
    token = issue_token(session, official)
    audit.record(
        session,
        actor,
        "official.created",
        details={
            "official_id": official.id,
            "name": official.name,
            "roles": roles,
            "ministry": data.ministry,
        },
    )
    return official, token


def issue_token(session: Session, official: Official) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(official_id=official.id, token_hash=hash_token(token), prefix=token[:12]))
    session.flush()
    return token


def get_official(session: Session, official_id: int) -> Official:
    official = session.get(Official, official_id)
    if official is None:
        raise NotFound(f"no official {official_id}")
    return official


def new_token(session: Session, actor: Official | None, official: Official) -> str:
    token = issue_token(session, official)
    audit.record(session, actor, "token.issued", details={"official_id": official.id})
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


def authenticate(session: Session, token: str, touch_after: timedelta) -> Official:
    """The active official holding this unrevoked token; records when it was last used."""
    row = session.execute(
        select(ApiToken, Official)
        .join(Official, ApiToken.official_id == Official.id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise Unauthorized("the API token is not valid")
    api_token, official = row
    if api_token.revoked_at is not None:
        raise Unauthorized("the API token has been revoked")
    if not official.active:
        raise Unauthorized("the official's account is deactivated")
    now = utcnow()
    # Touching on every request would turn every read into a write; a minute's grain is enough.
    if api_token.last_used_at is None or now - api_token.last_used_at >= touch_after:
        api_token.last_used_at = now
        session.flush()
    return official
