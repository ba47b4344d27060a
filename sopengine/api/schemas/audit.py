"""The audit log. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEventOut(BaseModel):
    seq: int
    occurred_at: datetime
    actor_id: int | None
    action: str
    sop_code: str | None
    version_number: int | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None


class AuditVerifyOut(BaseModel):
    ok: bool
    events_checked: int
    first_bad_event: int | None
    reason: str | None = None
