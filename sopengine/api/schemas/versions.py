"""A version as the API shows it, and workflow actions on it. (Field names are the contract.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from sopengine.api.schemas.comments import CommentOut
from sopengine.api.schemas.common import Day, InBody, PlainText
from sopengine.api.schemas.signoffs import SignaturePreview, SignoffOut


class VersionOut(BaseModel):
    sop_code: str
    number: int
    state: str
    title: dict[str, str]
    languages: list[str]
    primary_language: str
    required_ministries: list[str]
    content: dict[str, Any]
    content_hash: str
    change_summary: str
    signoffs: list[SignoffOut]
    open_comments: list[CommentOut]
    signature: SignaturePreview | None = Field(
        default=None, description="When the caller may sign now: what it would sign"
    )
    available_actions: list[str] = Field(description="What the caller may do with this version now")
    review_round: int
    submitted_at: datetime | None
    respond_by: date | None
    endorsed_at: datetime | None
    effective_date: date | None
    review_due: date | None
    withdrawn_reason: str | None
    created_at: datetime
    updated_at: datetime
    etag: str


class ActionIn(InBody):
    effective_date: Day | None = Field(default=None, description="apply: when the SOP takes effect")
    reason: Annotated[PlainText, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="withdraw: why (required)"
    )
    respond_by: Day | None = Field(
        default=None, description="submit: the consultation deadline (default 15 working days)"
    )
