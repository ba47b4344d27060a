"""The OpenAPI document, completed in one place with the answers every operation can give.

Routes declare the problems their own rules raise (``responses=``); what the framework and
the middleware answer for any operation is added here, so a new endpoint documents them
without a line of its own:

- 422 (a parameter or body outside its schema) as ``application/problem+json``, in place
  of FastAPI's ``application/json`` validation error;
- 400 (a body that is not JSON) and 413 (a body over the size limit) where there is a body;
- 401 where a caller must authenticate, and 429 when the caller's address has failed to
  authenticate too often (the limit applies to every token and password request);
- 422 and 409 where an ``Idempotency-Key`` may be reused with another body, or while its
  first request runs;
- 503 when a statement outlives ``SOPENGINE_STATEMENT_TIMEOUT`` (PostgreSQL);
- 500, which no request should get, but which would be a problem document too.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from sopengine.api.problems import BUSINESS_RULE, PROBLEM_JSON, PROBLEM_SCHEMA, problem_entry
from sopengine.errors import (
    Conflict,
    InternalError,
    MalformedBody,
    PayloadTooLarge,
    ServiceUnavailable,
    SopError,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)

_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method in _METHODS:
                _complete_operation(operation)
    return document


def _complete_operation(operation: dict[str, Any]) -> None:
    answers: dict[str, Any] = operation.setdefault("responses", {})
    standard: list[type[SopError]] = [InternalError, ServiceUnavailable]
    if operation.get("parameters") or "requestBody" in operation:
        standard.append(ValidationFailed)
    if "requestBody" in operation:
        standard += [MalformedBody, PayloadTooLarge]
    if operation.get("security"):
        standard += [Unauthorized, TooManyRequests]
    for error in standard:
        _add(answers, error)
    if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
        # The key reused with another body (422), or its first request still running (409).
        for error in (ValidationFailed, Conflict):
            _add(answers, error)[BUSINESS_RULE] = True
    # FastAPI documents its own 422 as application/json; the handler answers a problem.
    for answer in answers.values():
        content = answer.get("content", {})
        if PROBLEM_JSON in content:
            content.pop("application/json", None)


def _add(answers: dict[str, Any], error: type[SopError]) -> dict[str, Any]:
    entry = answers.setdefault(str(error.status), problem_entry(error))
    content = entry.setdefault("content", {})
    content.setdefault(PROBLEM_JSON, {"schema": PROBLEM_SCHEMA})
    if error.title not in entry.get("description", ""):
        entry["description"] = f"{entry.get('description', '')} / {error.title}".strip(" /")
    return entry
