"""One place that sees every HTTP request: its id, its metrics and its access-log line."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sopengine.observability import context, metrics

REQUEST_ID_HEADER = "X-Request-ID"
UNMATCHED = "<unmatched>"
"""The route label of a request no route answered: raw paths never become labels (they
are unbounded, and an invitation link's path is a secret)."""

access = logging.getLogger("sopengine.access")


def route_template(scope: Scope) -> str:
    """The matched route's template, e.g. ``/api/v1/sops/{code}``, or the mount it fell in."""
    # FastAPI keeps an included router's routes relative to its prefix; the route as
    # served (prefix included) is in its effective route context.
    served = scope.get("fastapi", {}).get("effective_route_context")
    path = getattr(served, "path", None) or getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    root = scope.get("root_path", "")
    if scope.get("app_root_path") is not None and root:
        return f"{root}/{{path}}"
    return UNMATCHED


class RequestObserver:
    """Outermost middleware: accepts or makes the request id, answers it in the response,
    and after the answer counts, times and logs the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = context.accept_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        current = context.begin(request_id)
        started = time.perf_counter()
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            metrics.observe_request(scope["method"], route, status, seconds)
            access.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": scope["method"],
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "official_id": current.official_id,
                    }
                },
            )
