"""Opaque cursors: keyset (``after`` an id) for plain lists, ``offset`` for ranked results."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

from sopengine.errors import BadRequest

Cursor = Annotated[
    str | None, Query(max_length=200, description="next_cursor from the previous page")
]
Limit = Annotated[int | None, Query(ge=1, le=1000, description="Page size")]


@dataclass(frozen=True)
class Position:
    after: int = 0
    offset: int = 0


def encode_cursor(after: int | None = None, offset: int | None = None) -> str:
    data = {"after": after} if after is not None else {"offset": offset}
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Position:
    if not cursor:
        return Position()
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        position = Position(after=data.get("after", 0), offset=data.get("offset", 0))
    except (binascii.Error, ValueError, AttributeError, TypeError) as exc:
        raise BadRequest("the cursor is not one this service gave out") from exc
    if not all(type(v) is int and 0 <= v < 2**31 for v in (position.after, position.offset)):
        raise BadRequest("the cursor is not one this service gave out")
    return position
