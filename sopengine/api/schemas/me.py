"""The caller: who it is, its own API tokens, its password. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText, ShownOnce
from sopengine.domain.roles import Kind
from sopengine.services.passwords import MAX_LENGTH

Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]
"""Bounded before any hashing: a megabyte 'password' is refused by validation, not hashed."""


class MeOut(BaseModel):
    id: int
    name: str
    position: str
    email: str | None = None
    ministry: str | None
    roles: list[str]
    kind: Kind = Kind.PERSON


TokenLabel = Annotated[PlainText, StringConstraints(strip_whitespace=True, max_length=100)]


class OwnTokenIn(InBody):
    label: TokenLabel = ""
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the token stops working (optional; in the future)"
    )


class OwnTokenOut(BaseModel):
    id: int
    label: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None = None


class OwnTokenCreated(OwnTokenOut, ShownOnce):
    secret_fields = ("token",)
    when_withheld = "revoke the token (DELETE /me/tokens/{id}) and issue another"

    token: str | None = Field(description="Shown only in this answer, stored only as a hash")


class PasswordChangeIn(InBody):
    current_password: Password
    new_password: Password
