"""Route-side support for ``Idempotency-Key`` on mutating POSTs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.models import Official
from sopengine.services.idempotency import StoredAnswer, request_fingerprint, run_once

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retrying with the same key and body returns the first answer without acting twice",
    ),
]

Outcome = tuple[int, BaseModel, dict[str, str]]


def respond_once(
    session: Session,
    settings: Settings,
    official: Official,
    request: Request,
    key: str | None,
    body: BaseModel | None,
    act: Callable[[], Outcome],
) -> JSONResponse:
    payload = body.model_dump_json().encode() if body is not None else b""
    fingerprint = request_fingerprint(request.method, request.url.path, payload)
    replayed = True

    def run() -> StoredAnswer:
        nonlocal replayed
        replayed = False
        status, model, headers = act()
        return StoredAnswer(status, model.model_dump(mode="json"), headers)

    answer = run_once(
        session, official, key, fingerprint, run, timedelta(hours=settings.idempotency_ttl_hours)
    )
    headers = dict(answer.headers)
    if key is not None and replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)
