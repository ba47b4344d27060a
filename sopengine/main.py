"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from sopengine import __version__, sealing, web
from sopengine.api import openapi, problems
from sopengine.api.idempotent import Replayed, replayed_response
from sopengine.api.limits import BodySizeLimit
from sopengine.api.routes import (
    actions,
    audit,
    comments,
    docs,
    exports,
    health,
    me,
    metrics,
    ministries,
    notices,
    officials,
    session,
    signoffs,
    sops,
    templates,
    webhooks,
)
from sopengine.api.version_cache import VersionCache
from sopengine.config import Settings, get_settings
from sopengine.db.session import limit_statements, make_engine, make_sessionmaker
from sopengine.export.cache import ExportCache
from sopengine.observability import metrics as observed
from sopengine.observability.requests import RequestObserver
from sopengine.urls import API_PREFIX

DESCRIPTION = """
The service of record in which Iraqi ministries write, review, sign and apply Standard
Operating Procedures for a whole-of-government approach to migration management.

Authenticate with `Authorization: Bearer <token>`. Errors are RFC 9457
`application/problem+json`. Versions carry an `ETag`; edits need `If-Match`.
"""


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    sealing.sealer(settings)  # a malformed SOPENGINE_SECRET_KEY stops the start, not a request
    engine = None
    read_factory = session_factory
    if session_factory is None:
        engine = make_engine(settings)
        # Requests only: the worker and the CLI (migrations) make engines of their own.
        limit_statements(engine, settings.statement_timeout)
        observed.watch_pool(engine)
        session_factory = make_sessionmaker(engine)
        read_factory = make_sessionmaker(engine, reading=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if engine is not None:
            engine.dispose()
        observed.process_exited()

    app = FastAPI(
        title="sopengine",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory
    app.state.read_sessionmaker = read_factory
    app.state.export_cache = ExportCache(settings.export_cache_dir, settings.export_cache_mb << 20)
    app.state.version_cache = VersionCache(settings.version_cache_mb << 20)
    problems.install(app)
    app.add_exception_handler(Replayed, replayed_response)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)

    # Routes are matched in order: the API's first (its version read, the most frequent
    # request, leads), then the probes and docs, then the pages.
    for module in (
        sops,
        session,
        me,
        ministries,
        officials,
        templates,
        actions,
        signoffs,
        comments,
        exports,
        audit,
        webhooks,
        notices,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(docs.router)
    web.install(app)
    # Outermost: the request id, metrics and access log cover every other layer.
    app.add_middleware(RequestObserver)
    openapi.install(app)
    return app
