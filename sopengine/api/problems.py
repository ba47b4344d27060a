"""RFC 9457 problem responses: every error the API gives goes through here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from sopengine.errors import (
    Conflict,
    FieldError,
    InternalError,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ServiceUnavailable,
    SopError,
    ValidationFailed,
    pointer,
)

log = logging.getLogger("sopengine")

PROBLEM_JSON = "application/problem+json"

# Starlette's own 400 is a body it could not read (e.g. not UTF-8): the malformed-body type.
_BY_STATUS: dict[int, type[SopError]] = {
    400: MalformedBody,
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
}


def problem_response(error: SopError, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    headers.update(error.headers or {})
    return JSONResponse(
        error.to_problem(instance),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_errors(errors: Sequence[Any]) -> list[FieldError]:
    out = []
    for err in errors:
        where, *rest = err.get("loc", ("body",))
        place = pointer(*rest) if where == "body" else f"{where}:{'.'.join(map(str, rest))}"
        out.append(FieldError(place, err.get("msg", "invalid")))
    return out


async def _on_sop_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SopError)
    return problem_response(exc, request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        ctx = next(e.get("ctx", {}) for e in errors if e.get("type") == "json_invalid")
        return problem_response(
            MalformedBody(f"the body is not valid JSON: {ctx.get('error', 'parse error')}"), request
        )
    return problem_response(ValidationFailed(_field_errors(errors)), request)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    known = _BY_STATUS.get(exc.status_code)
    error = known(str(exc.detail)) if known else SopError(str(exc.detail), status=exc.status_code)
    response = problem_response(error, request)
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's).

    Each method is asked of the router's routes as a request would be, so routers included
    in routers are searched too.
    """
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]


async def _on_integrity(request: Request, exc: Exception) -> JSONResponse:
    # Unique and foreign-key races that a service's own checks could not see coming.
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        Conflict(
            "the change conflicts with data written at the same moment; nothing was changed, "
            "read again and retry"
        ),
        request,
    )


async def _on_data_error(request: Request, exc: Exception) -> JSONResponse:
    # Values the database refuses to store or compare, e.g. a NUL character on PostgreSQL.
    log.warning("data error on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        ValidationFailed(
            [],
            detail="the request contains a value the database cannot store (e.g. a NUL character)",
        ),
        request,
    )


async def _on_stale(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        PreconditionFailed("the record changed while this request was applied; read it again"),
        request,
    )


# PostgreSQL's SQLSTATE for a statement cancelled by ``statement_timeout``.
_QUERY_CANCELED = "57014"


async def _on_operational(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OperationalError)
    if getattr(exc.orig, "sqlstate", None) != _QUERY_CANCELED:
        return await _on_unexpected(request, exc)
    log.warning("statement timeout on %s %s", request.method, request.url.path)
    busy = ServiceUnavailable(
        "the database took too long to answer and the request was stopped; nothing was "
        "changed, try again (a narrower search or filter answers faster)",
        retry_after=5,
    )
    return problem_response(busy, request)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        InternalError("an unexpected error occurred; nothing was changed"), request
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(SopError, _on_sop_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(OperationalError, _on_operational)
    app.add_exception_handler(Exception, _on_unexpected)


BUSINESS_RULE = "x-business-rule"
"""Marks a response an endpoint gives by its own rules, so possibly to a request its schema
accepts (an unknown cursor, a cross-field rule); the fuzzer accepts it for valid input."""


def responses(*errors: type[SopError]) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an endpoint: each error it may give, as a problem document."""
    out: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = out.setdefault(error.status, problem_entry(error))
        entry[BUSINESS_RULE] = True
        if error.title not in entry["description"]:
            entry["description"] += f" / {error.title}"
    return out


def problem_entry(error: type[SopError]) -> dict[str, Any]:
    return {"description": error.title, "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"pointer": {"type": "string"}, "detail": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}
