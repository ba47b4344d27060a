"""E-mail notices and an official's notice settings. (Field names are the contract.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.api.schemas.common import InBody
from sopengine.domain.notices import Kind, Mode


class NoticeSettingsIn(InBody):
    email: Annotated[str, StringConstraints(max_length=320)] | None = Field(
        default=None,
        description="The address notices go to and the person signs in with (checked with "
        "email-validator); leave it out to keep it",
    )
    preferences: dict[Kind, Mode] = Field(
        default_factory=dict,
        description="Per kind of notice: immediately, digest (one message a day) or off",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "email": "l.hassan@moi.gov.iq",
                    "preferences": {"comment.created": "digest", "version.applied": "off"},
                }
            ]
        },
    )


class NoticeSettingsOut(BaseModel):
    official_id: int
    email: str | None
    language: str | None = Field(description="The language notices put first (ar or en)")
    preferences: dict[str, Mode]
    fixed: list[str] = Field(description="Kinds this official cannot turn off")


class NoticeAttemptOut(BaseModel):
    attempted_at: datetime
    address: str
    success: bool
    smtp_code: int | None
    latency_ms: int
    error: str | None
    worker: str


class NoticeOut(BaseModel):
    id: int
    official_id: int
    official_name: str
    kind: str = Field(description="A kind of notice, or digest for a day's digest message")
    event_type: str | None
    sop_code: str | None
    mode: str
    status: str
    attempts: int
    last_error: str | None
    message_id: str
    digest_of: date | None
    digest_id: int | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[NoticeAttemptOut]


class NoticePage(BaseModel):
    items: list[NoticeOut]
    next_cursor: str | None
    sending: bool = Field(description="false: no SMTP host is configured; notices are kept")
