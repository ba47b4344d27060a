"""Request and response bodies of the REST API (field names are the contract)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.domain.content import LocalizedText, MinistryCode, SopContent
from sopengine.domain.roles import Role

SopCodeStr = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", min_length=2, max_length=40),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MinistryOut(BaseModel):
    code: str
    name: dict[str, str]


class OfficialIn(_In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    position: Annotated[str, StringConstraints(max_length=200)] = ""
    email: (
        Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
        | None
    ) = None
    ministry: MinistryCode | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=5)]

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Layla Hassan",
                    "position": "Director of Residency Affairs",
                    "email": "l.hassan@moi.gov.iq",
                    "ministry": "MOI",
                    "roles": ["signatory"],
                }
            ]
        },
    )


class OfficialOut(BaseModel):
    id: int
    name: str
    position: str
    email: str | None
    ministry: str | None
    roles: list[str]
    active: bool
    created_at: datetime


class OfficialCreated(OfficialOut):
    token: str = Field(
        description="The API token; shown only in this answer, stored only as a hash"
    )


class TokenOut(BaseModel):
    official_id: int
    token: str = Field(description="Shown only in this answer")


class RevokedOut(BaseModel):
    official_id: int
    revoked: int


class MeOut(BaseModel):
    id: int
    name: str
    position: str
    ministry: str | None
    roles: list[str]


class TemplateSummary(BaseModel):
    name: str
    thematic_area: str
    title: dict[str, str]
    description: dict[str, str]
    lead_ministry: str
    languages: list[str]
    primary_language: str
    required_ministries: list[str]


class TemplateOut(TemplateSummary):
    content: SopContent


class TextFields(_In):
    title: LocalizedText | None = None
    languages: Annotated[list[str], Field(min_length=1, max_length=5)] | None = None
    primary_language: Annotated[str, StringConstraints(max_length=8)] | None = None
    required_ministries: Annotated[list[MinistryCode], Field(max_length=32)] | None = None
    content: SopContent | None = None


_EXAMPLE_CONTENT: dict[str, Any] = {
    "purpose": {
        "en": "Coordinate the dignified return of Iraqi nationals.",
        "ar": "تنسيق العودة الكريمة للمواطنين العراقيين.",
    },
    "scope": {
        "en": "Returns from EU member states and Switzerland.",
        "ar": "حالات العودة من الدول الأعضاء في الاتحاد الأوروبي وسويسرا.",
    },
    "procedure": [
        {
            "id": "S1",
            "actor": "MFA",
            "supporting": ["MOI"],
            "title": {"en": "Verify nationality", "ar": "التحقق من الجنسية"},
            "description": {
                "en": "The embassy verifies identity documents.",
                "ar": "تتحقق السفارة من وثائق الهوية.",
            },
            "time_limit": {"en": "10 working days", "ar": "10 أيام عمل"},
        },
        {
            "id": "S2",
            "actor": "MOMD",
            "supporting": [],
            "title": {"en": "Receive the returnee", "ar": "استقبال العائد"},
            "description": {
                "en": "Reception at the airport and referral.",
                "ar": "الاستقبال في المطار والإحالة.",
            },
        },
    ],
}


class SopCreate(TextFields):
    code: SopCodeStr
    thematic_area: str | None = None
    lead_ministry: MinistryCode | None = None
    template: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="Start from this template; explicit fields override it"
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "SOP-RR-001",
                    "thematic_area": "return_reintegration",
                    "lead_ministry": "MOMD",
                    "title": {"en": "Return and reintegration", "ar": "العودة وإعادة الإدماج"},
                    "languages": ["en", "ar"],
                    "primary_language": "en",
                    "required_ministries": ["MFA", "MOI", "MOMD"],
                    "content": _EXAMPLE_CONTENT,
                },
                {"code": "SOP-BM-001", "template": "border_management"},
            ]
        },
    )


class ContentUpdate(TextFields):
    change_summary: Annotated[str, StringConstraints(max_length=2000)] | None = None


class VersionSummary(BaseModel):
    number: int
    state: str
    title: dict[str, str]
    content_hash: str
    change_summary: str
    created_at: datetime
    updated_at: datetime


class SopOut(BaseModel):
    code: str
    thematic_area: str
    lead_ministry: str
    created_at: datetime
    applied_version: int | None
    versions: list[VersionSummary]
    available_actions: list[str] = Field(
        default_factory=list, description="What the caller may do with the SOP now (revise)"
    )


class LatestVersion(BaseModel):
    number: int
    state: str


class SnippetOut(BaseModel):
    text: str = Field(
        description="A short window of the matching text; matches in <mark>, HTML-escaped"
    )
    language: str
    where: str = Field(description="Where the text is: title, scope, procedure/2/title …")


class SopListItem(BaseModel):
    code: str
    thematic_area: str
    lead_ministry: str
    title: dict[str, str]
    latest_version: LatestVersion
    applied_version: int | None
    review_due: date | None = Field(
        default=None, description="Periodic review of the applied version"
    )
    rank: float | None = Field(default=None, description="Relevance, with q")
    snippet: SnippetOut | None = None


class SopPage(BaseModel):
    items: list[SopListItem]
    next_cursor: str | None


class OfficialRef(BaseModel):
    id: int
    name: str
    position: str


class SignoffOut(BaseModel):
    """One required ministry's current position in this review round."""

    ministry: str
    status: Literal["pending", "approved", "rejected", "overdue"]
    decision: Literal["approve", "reject"] | None = None
    comment: str | None = None
    official: OfficialRef | None = None
    decided_at: datetime | None = None
    content_hash: str | None = None
    meaning: str | None = None


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
    counts: bool = Field(description="Whether this is the ministry's decision that counts now")


class CommentOut(BaseModel):
    id: int
    anchor: str
    parent_id: int | None
    body: str
    author: OfficialRef
    created_at: datetime
    resolved: bool
    resolved_at: datetime | None


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


Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))]


class ActionIn(_In):
    effective_date: Day | None = Field(default=None, description="apply: when the SOP takes effect")
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="withdraw: why (required)"
    )
    respond_by: Day | None = Field(
        default=None, description="submit: the consultation deadline (default 15 working days)"
    )


class SignoffIn(_In):
    decision: Literal["approve", "reject"]
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    comment: Annotated[str, StringConstraints(max_length=5000)] = ""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "approve", "content_hash": "9f2c…(64 hex digits)", "comment": ""},
                {"decision": "reject", "content_hash": "9f2c…", "comment": "Step S3 needs MOI."},
            ]
        },
    )


class ReviseIn(_In):
    change_summary: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class CommentIn(_In):
    anchor: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="A place in the content: 'scope', 'procedure/S3', 'definitions/0' …"
    )
    body: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    parent_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class CommentPatch(_In):
    resolved: bool


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


class WebhookIn(_In):
    url: Annotated[str, StringConstraints(min_length=8, max_length=2000)]
    event_types: Annotated[list[str], Field(min_length=1, max_length=20)]
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


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Standard Webhooks signing secret (whsec_…); shown only here")


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
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None
    created_at: datetime
    attempt_log: list[AttemptOut]
