"""SOPs: creating, editing, listing. (Field names are the contract.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText, SopCodeStr
from sopengine.domain.content import LocalizedText, MinistryCode, SopContent


class TextFields(InBody):
    title: LocalizedText | None = None
    languages: Annotated[list[PlainText], Field(min_length=1, max_length=5)] | None = None
    primary_language: Annotated[PlainText, StringConstraints(max_length=8)] | None = None
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
    thematic_area: Annotated[PlainText, StringConstraints(max_length=64)] | None = None
    lead_ministry: MinistryCode | None = None
    template: Annotated[PlainText, StringConstraints(max_length=64)] | None = Field(
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
    change_summary: Annotated[PlainText, StringConstraints(max_length=2000)] | None = None


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


class ReviseIn(InBody):
    change_summary: Annotated[PlainText, StringConstraints(min_length=1, max_length=2000)]
