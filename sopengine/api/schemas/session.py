"""Signing in and out, and accepting an invitation. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText
from sopengine.api.schemas.me import MeOut, Password

Email = Annotated[
    PlainText,
    StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320),
]


class SignInIn(InBody):
    email: Annotated[
        PlainText, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)
    ]
    password: Password


class SignedInOut(BaseModel):
    official: MeOut
    csrf_token: str = Field(
        description="Send it as X-CSRF-Token with every state-changing request of this session"
    )
    expires_at: datetime = Field(description="The session's absolute end")


class AcceptIn(InBody):
    password: Password
    email: Email | None = Field(
        default=None, description="Needed only when the invitation's official has no e-mail yet"
    )
