"""Typed dependencies: the session (one transaction per request), the caller, loaded objects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.models import Official, Sop, SopVersion, WebSession
from sopengine.domain import permissions
from sopengine.domain.permissions import Action
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
    reading = request.method in _READ_METHODS
    factory = request.app.state.read_sessionmaker if reading else request.app.state.sessionmaker
    session: Session = factory()
    try:
        yield session
    except BaseException as exc:
        with anyio.CancelScope(shield=True):  # a cancelled request still ends its transaction
            await run_in_threadpool(_end_after_failure, session, request, exc)
        raise
    else:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_end_after_success, session)


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
    web_session: WebSession | None = None
    address: str = ""

    @property
    def by_session(self) -> bool:
        return self.web_session is not None


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def current_caller(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Caller:
    """A bearer token wins; else the session cookie (with its CSRF token on state changes)."""
    address = client_address(request)
    if credentials is not None and credentials.credentials:
        official = access.token_holder(
            session, settings, credentials.credentials, address, request.app.state.sessionmaker
        )
        request.state.official_id = official.id
        request_context.identify(official.id)
        return Caller(official, address=address)
    if cookie:
        person, web = signin.authenticate(session, settings, cookie)
        request.state.official_id = person.id
        if request.method not in _SAFE_METHODS:
            signin.check_csrf(web, request.headers.get(signin.CSRF_HEADER))
        request_context.identify(person.id)
        return Caller(person, web, address)
    raise Unauthorized(
        "sign in (POST /api/v1/session) or send an API token as 'Authorization: Bearer <token>'"
    )


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
