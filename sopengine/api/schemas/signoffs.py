"""Sign-offs: ministries' decisions on a text. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText
from sopengine.api.schemas.me import Password
from sopengine.api.schemas.officials import OfficialRef
from sopengine.domain.signoff import Decision, Method, Status


class SignoffOut(BaseModel):
    """One required ministry's current position in this review round."""

    ministry: str
    status: Status
    decision: Decision | None = None
    comment: str | None = None
    official: OfficialRef | None = None
    decided_at: datetime | None = None
    content_hash: str | None = None
    meaning: str | None = None
    meaning_ar: str | None = None
    method: Method | None = Field(
        default=None,
        description="password: a person re-authenticated when signing; token: a ministry's system",
    )


class SignoffRecord(BaseModel):
    id: int
    ministry: str
    decision: str
    comment: str
    official: OfficialRef
    decided_at: datetime
    content_hash: str
    review_round: int
    meaning: str
    meaning_ar: str
    method: Method
    counts: bool = Field(description="Whether this is the ministry's decision that counts now")


class SignoffIn(InBody):
    decision: Literal["approve", "reject"]
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    comment: Annotated[PlainText, StringConstraints(max_length=5000)] = ""
    password: Password | None = Field(
        default=None,
        description="A person signs with its password again (a ministry's system sends none)",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "approve", "content_hash": "9f2c…(64 hex digits)", "comment": ""},
                {"decision": "reject", "content_hash": "9f2c…", "comment": "Step S3 needs MOI."},
            ]
        },
    )


class SignaturePreview(BaseModel):
    """What the caller would sign now, shown before it signs."""

    ministry: str
    content_hash: str
    meaning: dict[str, dict[str, str]] = Field(
        description='Per decision, in English and Arabic: {"approve": {"en": …, "ar": …}, …}'
    )
    needs_password: bool = Field(description="A person signs with its password again")
