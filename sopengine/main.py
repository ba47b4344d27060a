"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from sopengine import __version__, web
from sopengine.api import problems
from sopengine.api.idempotent import Replayed, replayed_response
from sopengine.api.limits import BodySizeLimit
from sopengine.api.routes import (
    actions,
    audit,
    comments,
    exports,
    health,
    me,
    ministries,
    officials,
    session,
    signoffs,
    sops,
    templates,
    webhooks,
)
from sopengine.config import Settings, get_settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.export.cache import ExportCache
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
    engine = None
    if session_factory is None:
        engine = make_engine(settings)
        session_factory = make_sessionmaker(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if engine is not None:
            engine.dispose()

    app = FastAPI(
        title="sopengine", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory
    app.state.export_cache = ExportCache(settings.export_cache_dir, settings.export_cache_mb << 20)
    problems.install(app)
    app.add_exception_handler(Replayed, replayed_response)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)

    app.include_router(health.router)
    web.install(app)
    for module in (
        session,
        me,
        ministries,
        officials,
        templates,
        sops,
        actions,
        signoffs,
        comments,
        exports,
        audit,
        webhooks,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    return app
