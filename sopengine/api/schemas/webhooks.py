"""Webhook subscriptions and deliveries. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText, ShownOnce
from sopengine.domain.content import MinistryCode
from sopengine.domain.webhooks import DeliveryStatus


class WebhookIn(InBody):
    url: Annotated[PlainText, StringConstraints(min_length=8, max_length=2000)]
    event_types: Annotated[
        list[Annotated[PlainText, StringConstraints(max_length=64)]],
        Field(min_length=1, max_length=20),
    ]
    ministry: MinistryCode | None = Field(
        default=None, description="Only events concerning this ministry (signatories: their own)"
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://sop-hooks.moi.gov.iq/sopengine",
                    "event_types": ["signoff.requested", "version.endorsed"],
                    "ministry": "MOI",
                }
            ]
        },
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    event_types: list[str]
    ministry: str | None
    created_at: datetime


class WebhookCreated(WebhookOut, ShownOnce):
    secret_fields = ("secret",)
    when_withheld = "delete the subscription and subscribe again for a new signing secret"

    secret: str | None = Field(
        description="Standard Webhooks signing secret (whsec_…); shown only here"
    )


class AttemptOut(BaseModel):
    attempted_at: datetime
    success: bool
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryOut(BaseModel):
    id: int
    message_id: str = Field(description="The webhook-id header: the same on every retry")
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None
    created_at: datetime
    attempt_log: list[AttemptOut]
