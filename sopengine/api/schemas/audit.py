"""The audit log. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


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
    checkpoints_checked: int = Field(
        0, description="Signed checkpoints whose hash the chain still has"
    )
    first_bad_checkpoint: int | None = Field(
        None, description="The checkpoint whose signature fails or whose hash the chain lost"
    )
    signed_up_to: int | None = Field(
        None, description="The last event a checkpoint covers; later events are not signed yet"
    )
    signatures_verified: bool = Field(
        False,
        description="False when no audit key is configured: a hash chain alone can be "
        "rewritten by whoever can write the database",
    )
