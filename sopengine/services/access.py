"""Failed authentication and refused access: limited per network address, logged, audited.

Sign-ins (``signin``) and API tokens share one record of failures (``SignInAttempt``) and so
one limit: ``signin_address_max_failures`` failures from one address within
``signin_lock_minutes`` and every further attempt from it, with a password or a token, right
or wrong, answers 429 with ``Retry-After`` until the window has passed. Attempts refused by
the limit are logged but neither recorded nor audited, so a flood cannot grow the tables.
Nothing here ever logs or stores a token or a password.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Official, SignInAttempt
from sopengine.errors import SopError, TooManyRequests, keeping
from sopengine.services import audit, officials

log = logging.getLogger("sopengine.access")


def window_start(settings: Settings) -> datetime:
    return utcnow() - timedelta(minutes=settings.signin_lock_minutes)


_FAILURES = (
    select(func.count(SignInAttempt.id))
    .where(
        SignInAttempt.address == bindparam("address"),
        ~SignInAttempt.succeeded,
        SignInAttempt.attempted_at >= bindparam("since"),
    )
    .scalar_subquery()
)
"""An address's failed authentications since a time (parameters ``address``, ``since``)."""
_HOLDER = officials.TOKEN_QUERY.add_columns(_FAILURES)
"""The token, its official and the address's failures, in one statement."""


def _failure_parameters(settings: Settings, address: str) -> dict[str, Any]:
    return {"address": address[:64], "since": window_start(settings)}


def check_address(session: Session, settings: Settings, address: str) -> None:
    """429 while the address has used up its failures within the window."""
    failures = session.scalar(select(_FAILURES), _failure_parameters(settings, address))
    _limit(settings, address, failures or 0)


def _limit(settings: Settings, address: str, failures: int) -> None:
    if failures >= settings.signin_address_max_failures:
        log.warning("throttled %s: %d failed authentications", address, failures)
        raise TooManyRequests(
            "too many failed authentications from this address; wait and try again",
            retry_after=settings.signin_lock_minutes * 60,
        )


def token_holder(
    session: Session,
    settings: Settings,
    token: str,
    address: str,
    apart: sessionmaker[Session],
) -> Official:
    """The official an API token belongs to, under the address's limit; a refusal is
    recorded (for the limit), logged and audited with its reason, without the token.

    One query finds the token and counts the address's failures; an unknown token (no row)
    asks for the count alone, so every attempt meets the limit before anything else.
    """
    parameters = {"token_hash": officials.hash_token(token)}
    row = session.execute(_HOLDER, parameters | _failure_parameters(settings, address)).first()
    try:
        if row is None:
            check_address(session, settings, address)
            raise officials.TokenRefused("unknown")
        api_token, official, failures = row
        _limit(settings, address, failures)
        return officials.admit_token(
            session, api_token, official, timedelta(seconds=settings.token_touch_seconds), apart
        )
    except officials.TokenRefused as refused:
        details = {
            "reason": refused.reason,
            "token_id": refused.token_id,
            "official_id": refused.official_id,
            "address": address,
        }
        log.warning("API token refused from %s: %s", address, refused.reason)
        raise failure(refused, address, "token.refused", refused.official_id, details) from None


def failure(
    error: SopError,
    address: str,
    action: str,
    official_id: int | None,
    details: dict[str, Any],
) -> SopError:
    """The refusal, keeping the failed attempt (which the limit counts) and its audit event
    although the request is rolled back."""

    def keep(session: Session) -> None:
        session.add(
            SignInAttempt(
                official_id=official_id,
                address=address[:64],
                succeeded=False,
                attempted_at=utcnow(),
            )
        )
        session.flush()
        audit.record(session, None, action, details=details)

    return keeping(error, keep)


def record_forbidden(
    session: Session,
    official_id: int | None,
    address: str,
    method: str,
    path: str,
    detail: str,
) -> None:
    """A 403: who was refused what, logged and audited."""
    log.warning(
        "403 for official %s from %s: %s %s: %s", official_id, address, method, path, detail
    )
    audit.record(
        session,
        None,
        "access.denied",
        details={
            "official_id": official_id,
            "address": address,
            "method": method,
            "path": path,
            "detail": detail,
        },
    )
