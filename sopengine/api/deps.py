"""Typed dependencies: the session (one transaction per request), the caller, loaded objects."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.models import Official, Sop, SopVersion, WebSession
from sopengine.db.repositories.audit import Head
from sopengine.domain import permissions
from sopengine.domain.permissions import Action, Identity
from sopengine.errors import Forbidden, SopError, Unauthorized
from sopengine.export.cache import ExportCache
from sopengine.observability import context as request_context
from sopengine.services import access, signin, sops


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One request, one transaction: commit when the endpoint returns, roll back on any error.

    Declared with ``scope="function"`` so the commit happens before the response is sent:
    a client never sees a success that was not stored. A GET or HEAD gets a reading session
    (on SQLite it takes the write lock only if and when it writes: db/session.py).

    Opening a session does no I/O (its connection is taken at the first statement), so it
    happens on the event loop; the end (commit or rollback, and giving the connection back)
    is one trip to the thread pool.
    """
    session = _open(request)
    try:
        yield session
    except BaseException as exc:
        with anyio.CancelScope(shield=True):  # a cancelled request still ends its transaction
            await run_in_threadpool(_end_after_failure, session, request, exc)
        raise
    else:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_end_after_success, session)


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """:func:`get_session`'s transaction, begun and ended in the calling thread: for an
    endpoint that does all its work in one trip to the thread pool."""
    session = _open(request)
    try:
        yield session
    except BaseException as exc:
        _end_after_failure(session, request, exc)
        raise
    else:
        _end_after_success(session)


def _open(request: Request) -> Session:
    """A session for the request: a reading one for a GET or HEAD."""
    reading = request.method in _READ_METHODS
    factory = request.app.state.read_sessionmaker if reading else request.app.state.sessionmaker
    session: Session = factory()
    return session


def _end_after_success(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _end_after_failure(session: Session, request: Request, exc: BaseException) -> None:
    """Roll back; keep what a refusal must leave behind (a failed attempt, a 403's audit)."""
    try:
        session.rollback()
        if isinstance(exc, SopError) and exc.keep is not None:
            exc.keep(session)
            session.commit()
        elif isinstance(exc, Forbidden):
            access.record_forbidden(
                session,
                getattr(request.state, "official_id", None),
                client_address(request),
                request.method,
                request.url.path,
                exc.detail,
            )
            session.commit()
    finally:
        session.close()


_READ_METHODS = frozenset({"GET", "HEAD"})

SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_export_cache(request: Request) -> ExportCache:
    cache: ExportCache = request.app.state.export_cache
    return cache


ExportCacheDep = Annotated[ExportCache, Depends(get_export_cache)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An API token (ministries' systems, scripts)")
_cookie = APIKeyCookie(
    name=signin.SESSION_COOKIE,
    auto_error=False,
    description="A signed-in person's session (POST /api/v1/session); state-changing "
    f"requests also send the session's CSRF token in {signin.CSRF_HEADER}",
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """Who is calling, and how it proved it: an API token, or a person's session."""

    official: Official
    head: Head
    """The audit log's head as the request's first statement saw it (version_cache)."""
    web_session: WebSession | None = None
    address: str = ""

    @property
    def by_session(self) -> bool:
        return self.web_session is not None


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""An API token, if sent (and the bearer scheme in the OpenAPI document)."""
SessionCookie = Annotated[str | None, Depends(_cookie)]
"""A person's session cookie, if sent (and the cookie scheme in the OpenAPI document)."""


def current_caller(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Bearer,
    cookie: SessionCookie,
) -> Caller:
    return identify(request, session, settings, credentials, cookie)


def identify(
    request: Request,
    session: Session,
    settings: Settings,
    credentials: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> Caller:
    """A bearer token wins; else the session cookie (with its CSRF token on state changes)."""
    address = client_address(request)
    if credentials is not None and credentials.credentials:
        official, head = access.token_holder(
            session, settings, credentials.credentials, address, request.app.state.sessionmaker
        )
        _identified(request, official.id)
        return Caller(official, head, address=address)
    if cookie:
        person, web, head = signin.authenticate(session, settings, cookie)
        _identified(request, person.id)
        if request.method not in _SAFE_METHODS:
            signin.check_csrf(web, request.headers.get(signin.CSRF_HEADER))
        return Caller(person, head, web, address)
    raise Unauthorized(
        "sign in (POST /api/v1/session) or send an API token as 'Authorization: Bearer <token>'"
    )


def identify_reader(
    request: Request,
    session: Session,
    settings: Settings,
    credentials: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> tuple[Identity, Head]:
    """:func:`identify` for a read that needs only who asks: with a bearer token, the
    official's record is not loaded (``access.token_identity``)."""
    if credentials is not None and credentials.credentials:
        address = client_address(request)
        identity, head = access.token_identity(
            session, settings, credentials.credentials, address, request.app.state.sessionmaker
        )
        _identified(request, identity.id)
        return identity, head
    caller = identify(request, session, settings, credentials, cookie)
    o = caller.official
    return Identity(o.id, tuple(o.roles), o.ministry_code, o.kind), caller.head


def _identified(request: Request, official_id: int) -> None:
    request.state.official_id = official_id
    request_context.identify(official_id)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


async def current_official(caller: CurrentCaller) -> Official:
    return caller.official


CurrentOfficial = Annotated[Official, Depends(current_official)]


def allowed_to(action: Action) -> object:
    """A dependency admitting only officials the rule book lets do ``action``."""

    async def check(official: CurrentOfficial) -> Official:
        permissions.authorize(action, official)
        return official

    return Depends(check)


SopCode = Annotated[str, Path(max_length=40, description="The SOP's code, e.g. SOP-RR-001")]
VersionNumber = Annotated[int, Path(ge=1, le=100_000, description="The version number")]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
"""A numeric id in a path: bounded so that no value overflows the database's integer."""


def current_sop(session: SessionDep, _: CurrentOfficial, code: SopCode) -> Sop:
    return sops.get_sop(session, code)


def current_version(
    session: SessionDep, _: CurrentOfficial, code: SopCode, number: VersionNumber
) -> SopVersion:
    return sops.get_version(session, code, number)


def version_for_update(
    session: SessionDep, _: CurrentOfficial, code: SopCode, number: VersionNumber
) -> SopVersion:
    """The version, row-locked on PostgreSQL so that concurrent changes queue behind each other.

    Depends on the caller so that authentication (and its token row update) always comes
    before the version lock: one lock order for every request, and nothing is locked or
    revealed for a caller without a valid token.
    """
    return sops.get_version(session, code, number, for_update=True)


CurrentSop = Annotated[Sop, Depends(current_sop)]
"""The SOP named in the path, with its versions, or 404."""
CurrentVersion = Annotated[SopVersion, Depends(current_version)]
"""The version named in the path, with its SOP and ministries, or 404."""
VersionForUpdate = Annotated[SopVersion, Depends(version_for_update)]
