"""Pages for people, served by the same service: Jinja2 with htmx, Arabic or English.

Pages call the services directly and ask the same rule book as the API what to offer;
every asset (htmx, CSS, fonts) is served from here, for intranets with no internet.
"""

from __future__ import annotations

import inspect
from importlib import resources

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sopengine.errors import NotFound
from sopengine.web.deps import LANG_COOKIE
from sopengine.web.i18n import chosen
from sopengine.web.render import page
from sopengine.web.routes import (
    account,
    actions,
    admin,
    audit,
    check,
    compare,
    edit,
    home,
    notices,
    sops,
    versions,
)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_API_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json")


class SecurityHeaders:
    """The pages' security headers (the API's JSON and its /docs keep their own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_API_PATHS):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(
        (*_API_PATHS, "/static/", "/healthz", "/readyz", "/metrics")
    )


def install(app: FastAPI) -> None:
    """Pages, their static files and headers; an unknown page is a page, not JSON."""
    api_handler = app.exception_handlers[StarletteHTTPException]

    async def not_found(request: Request, exc: Exception) -> Response:
        if (
            isinstance(exc, StarletteHTTPException)
            and exc.status_code in (404, 405)
            and _is_page(request)
        ):
            lang = chosen(
                request.cookies.get(LANG_COOKIE),
                accept_language=request.headers.get("accept-language", ""),
            )
            error = NotFound("there is no page at this address")
            return page(request, "error.html", lang, status_code=404, error=error)
        answer = api_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(StarletteHTTPException, not_found)
    static = resources.files("sopengine.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for module in (
        account,
        home,
        sops,
        versions,
        edit,
        actions,
        compare,
        check,
        audit,
        admin,
        notices,
    ):
        app.include_router(module.router)
    app.add_middleware(SecurityHeaders)
