"""Browser sessions."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Session

from sopengine.db.models import WebSession


def end_all(session: Session, official_id: int) -> int:
    """Delete every session of the official; answers how many there were."""
    result = session.execute(delete(WebSession).where(WebSession.official_id == official_id))
    return cast(CursorResult[Any], result).rowcount or 0
