"""Shared pieces of request and response bodies. (Field names are the contract.)"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopengine.domain.text import XmlSafe

SopCodeStr = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", min_length=2, max_length=40),
]


PlainText = Annotated[str, XmlSafe]
"""Every free text a body carries (names, summaries, reasons, comments, labels): only characters
a Word file can hold, else 422 with a pointer. Add bounds after it:
``Annotated[PlainText, StringConstraints(max_length=200)]``."""


class InBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))]
