"""Comments anchored in a version's content. (Field names are the contract.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from sopengine.api.schemas.common import InBody, PlainText
from sopengine.api.schemas.officials import OfficialRef


class CommentOut(BaseModel):
    id: int
    anchor: str
    parent_id: int | None
    body: str
    author: OfficialRef
    created_at: datetime
    resolved: bool
    resolved_at: datetime | None


class CommentIn(InBody):
    anchor: Annotated[PlainText, StringConstraints(min_length=1, max_length=100)] = Field(
        description="A place in the content: 'scope', 'procedure/S3', 'definitions/0' …"
    )
    body: Annotated[PlainText, StringConstraints(min_length=1, max_length=10_000)]
    parent_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class CommentPatch(InBody):
    resolved: bool
