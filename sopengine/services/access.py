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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Official, SignInAttempt
from sopengine.db.repositories import audit as events
from sopengine.db.repositories.audit import Head
from sopengine.db.repositories.prebuilt import prebuilt
from sopengine.db.session import statements_without_transaction
from sopengine.domain.permissions import Identity
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
_HOLDER = prebuilt(
    officials.TOKEN_QUERY.add_columns(_FAILURES.label("failures"), *events.HEAD_COLUMNS)
)
"""The token, its official, the address's failures and the audit log's head, in one
statement: every API request runs it."""
_IDENTITY = prebuilt(
    officials.IDENTITY_QUERY.add_columns(_FAILURES.label("failures"), *events.HEAD_COLUMNS)
)
"""The same with the official's identity as columns (:func:`token_identity`)."""


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
) -> tuple[Official, Head]:
    """The official an API token belongs to, under the address's limit, and the audit log's
    head as the request's first statement saw it; a refusal is recorded (for the limit),
    logged and audited with its reason, without the token.

    One query finds the token, counts the address's failures and reads the head; an unknown
    token (no row) asks for the count alone, so every attempt meets the limit before
    anything else.
    """
    row = session.execute(_HOLDER, _parameters(settings, token, address)).first()
    official = None if row is None else row.Official
    _admit(session, settings, address, apart, row, official)
    assert row is not None and official is not None
    return official, Head(row.seq, row.head_hash)


def token_identity(
    session: Session,
    settings: Settings,
    token: str,
    address: str,
    apart: sessionmaker[Session],
) -> tuple[Identity, Head]:
    """:func:`token_holder` for a read that needs only who asks and writes nothing: the
    official's identity as the rule book sees it, read as plain columns, not as an object,
    and on PostgreSQL without a transaction (``statements_without_transaction``). The same
    checks, limit, refusals and records."""
    connection = statements_without_transaction(session)
    row = connection.execute(_IDENTITY, _parameters(settings, token, address)).first()
    _admit(session, settings, address, apart, row, None if row is None else _Holder(row))
    assert row is not None
    identity = Identity(row.official_id, tuple(row.roles), row.ministry_code, row.kind)
    return identity, Head(row.seq, row.head_hash)


@dataclass(frozen=True)
class _Holder:
    row: Any

    @property
    def id(self) -> int:
        official_id: int = self.row.official_id
        return official_id

    @property
    def active(self) -> bool:
        return bool(self.row.active)


def _parameters(settings: Settings, token: str, address: str) -> dict[str, Any]:
    return {"token_hash": officials.hash_token(token)} | _failure_parameters(settings, address)


def _admit(
    session: Session,
    settings: Settings,
    address: str,
    apart: sessionmaker[Session],
    row: Any,
    holder: officials.Holder | None,
) -> None:
    """The checks of both token queries' row (None: no such token)."""
    try:
        if row is None or holder is None:
            check_address(session, settings, address)
            raise officials.TokenRefused("unknown")
        _limit(settings, address, row.failures)
        touch_after = timedelta(seconds=settings.token_touch_seconds)
        officials.admit_token(session, row, holder, touch_after, apart)
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
