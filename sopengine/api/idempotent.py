"""``Idempotency-Key`` on mutating POSTs, as one dependency.

An endpoint takes ``once: Once`` and ends with ``return once.answer(status, model, headers)``.
The dependency claims the key before the endpoint acts (in the request's transaction); a
retry of an answered request never reaches the endpoint: ``Replayed`` is raised and
rendered as the first answer with ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from sopengine.api.deps import CurrentOfficial, SessionDep, SettingsDep
from sopengine.api.schemas.common import ShownOnce
from sopengine.db.models import Official
from sopengine.services import idempotency
from sopengine.services.idempotency import StoredAnswer, request_fingerprint

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retrying with the same key and body returns the first answer without acting twice",
    ),
]


class Replayed(Exception):
    """The request was answered before under the same key: answer that again."""

    def __init__(self, answer: StoredAnswer) -> None:
        super().__init__("replayed")
        self.answer = answer


async def replayed_response(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Replayed)
    headers = {**exc.answer.headers, "Idempotent-Replayed": "true"}
    return JSONResponse(exc.answer.body, status_code=exc.answer.status_code, headers=headers)


@dataclass
class OnceCall:
    session: Session
    official: Official
    key: str | None

    def answer(
        self, status_code: int, model: BaseModel, headers: dict[str, str] | None = None
    ) -> JSONResponse:
        """The endpoint's answer, kept under the key (if any) in the same transaction; an
        answer's secrets are not kept (a replay answers it without them)."""
        answer = StoredAnswer(status_code, model.model_dump(mode="json"), headers or {})
        if self.key is not None:
            kept = model.without_secrets() if isinstance(model, ShownOnce) else answer.body
            idempotency.store(
                self.session,
                self.official,
                self.key,
                StoredAnswer(status_code, kept, answer.headers),
            )
        return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)


async def _raw_body(request: Request) -> bytes:
    return await request.body()


def _once(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    body: Annotated[bytes, Depends(_raw_body)],
    key: IdempotencyKeyHeader = None,
) -> OnceCall:
    if key is not None:
        fingerprint = request_fingerprint(request.method, request.url.path, body)
        ttl = timedelta(hours=settings.idempotency_ttl_hours)
        first = idempotency.claim(session, official, key, fingerprint, ttl)
        if first is not None:
            raise Replayed(first)
    return OnceCall(session, official, key)


Once = Annotated[OnceCall, Depends(_once)]
"""A mutating POST that a retry with the same ``Idempotency-Key`` does not repeat."""
