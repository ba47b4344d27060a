"""Shared pieces of request and response bodies. (Field names are the contract.)"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

SopCodeStr = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", min_length=2, max_length=40),
]


class InBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    # Pydantic would also read a number as seconds since 1970; the contract is YYYY-MM-DD.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a date as YYYY-MM-DD")


IsoDay = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar day, written YYYY-MM-DD (a query's date: any day may be asked about)."""
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2999, 12, 31)), BeforeValidator(_iso_day)]
"""A day a body sets (an effective date, a deadline): YYYY-MM-DD, within reason."""
