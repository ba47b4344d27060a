"""Opaque cursors for keyset pagination."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

from fastapi import Query

from sopengine.errors import BadRequest

Cursor = Annotated[
    str | None, Query(max_length=200, description="next_cursor from the previous page")
]
Limit = Annotated[int | None, Query(ge=1, le=1000, description="Page size")]


def encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise BadRequest("the cursor is not one this service gave out") from exc
    if not isinstance(after, int) or after < 0:
        raise BadRequest("the cursor is not one this service gave out")
    return after
