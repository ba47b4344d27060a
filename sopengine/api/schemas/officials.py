"""Officials and their API tokens. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText, ShownOnce
from sopengine.api.schemas.me import TokenLabel
from sopengine.domain.content import MinistryCode
from sopengine.domain.roles import Kind, Role


class OfficialIn(InBody):
    name: Annotated[
        PlainText, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    position: Annotated[PlainText, StringConstraints(max_length=200)] = ""
    email: (
        Annotated[
            PlainText,
            StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320),
        ]
        | None
    ) = None
    ministry: MinistryCode | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=5)]
    kind: Kind = Field(
        default=Kind.PERSON,
        description="person (invited to choose a password) or system (a ministry's system, "
        "given an API token)",
    )

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
    kind: Kind
    active: bool
    created_at: datetime


class OfficialCreated(OfficialOut, ShownOnce):
    secret_fields = ("token", "invitation_url")
    when_withheld = (
        "issue the system a new token (POST /officials/{id}/tokens) or the person a new "
        "invitation (POST /officials/{id}/invitation)"
    )

    token: str | None = Field(
        default=None,
        description="A system's API token; shown only in this answer, stored only as a hash",
    )
    invitation_url: str | None = Field(
        default=None, description="A person's one-time link to choose a password"
    )
    invitation_expires_at: datetime | None = None


class OfficialPatch(InBody):
    active: bool = Field(description="false ends the official's sessions and tokens at once")


class InvitationOut(ShownOnce):
    secret_fields = ("invitation_url",)
    when_withheld = "issue a new invitation (earlier links stop working)"

    official_id: int
    invitation_url: str | None = Field(description="One-time link; earlier links stop working")
    expires_at: datetime


class TokenIn(InBody):
    label: TokenLabel = ""
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the token stops working (optional; in the future)"
    )


class TokenOut(ShownOnce):
    secret_fields = ("token",)
    when_withheld = "revoke the token (DELETE /officials/{id}/tokens/{token_id}) and issue another"

    official_id: int
    token_id: int
    expires_at: datetime | None = None
    token: str | None = Field(description="Shown only in this answer")


class RevokedOut(BaseModel):
    official_id: int
    revoked: int


class OfficialRef(BaseModel):
    id: int
    name: str
    position: str
    kind: Kind = Field(default=Kind.PERSON, description="a person, or a ministry's system")
