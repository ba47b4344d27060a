"""Idempotency-Key: a retried POST returns the first answer without acting twice.

The key row is inserted first (``ON CONFLICT DO NOTHING``), in the same transaction as the
action: a concurrent retry waits on the key's unique index until the first commits, then
replays its stored answer; if the first fails, its key row is rolled back with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import IdempotencyKey, Official
from sopengine.errors import Conflict, FieldError, ValidationFailed


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: Any
    headers: dict[str, str]


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def claim(
    session: Session, official: Official, key: str, fingerprint: str, ttl: timedelta
) -> StoredAnswer | None:
    """Claim the key for this request (None: go ahead), or answer the stored first answer.

    The same key with another request is 422; with one still being processed, 409.
    """
    now = utcnow()
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.official_id == official.id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at < now - ttl,
        )
    )
    insert = dialect_of(session).insert_unless_exists(
        IdempotencyKey, official_id=official.id, key=key, request_hash=fingerprint, created_at=now
    )
    # RETURNING tells whether this request inserted the key (rowcount is not reliable here).
    claimed = session.execute(insert.returning(IdempotencyKey.key)).first()
    if claimed is not None:
        return None
    row = session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.official_id == official.id, IdempotencyKey.key == key
        )
    )
    assert row is not None
    if row.request_hash != fingerprint:
        raise ValidationFailed(
            [FieldError("header:Idempotency-Key", "already used for a different request")]
        )
    if row.status_code is None:
        raise Conflict("a request with this Idempotency-Key is still being processed")
    return StoredAnswer(row.status_code, row.response_body, dict(row.response_headers or {}))


def store(session: Session, official: Official, key: str, answer: StoredAnswer) -> None:
    """Keep the first answer under the claimed key, in the transaction of the action."""
    row = session.get(IdempotencyKey, (official.id, key))
    assert row is not None, "store() follows a successful claim()"
    row.status_code, row.response_body = answer.status_code, answer.body
    row.response_headers = answer.headers
    session.flush()


def purge_expired(session: Session, ttl: timedelta) -> int:
    """Forget answers older than the TTL (run by the worker's housekeeping)."""
    result = session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - ttl)
    )
    return cast(CursorResult[Any], result).rowcount or 0
