"""Shared pieces of request and response bodies. (Field names are the contract.)"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

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


class ShownOnce(BaseModel):
    """An answer carrying a secret (a token, a signing secret, an invitation link) that is shown
    only in this answer. A retry with the same Idempotency-Key answers the same resource
    with the secret fields null and names them in ``withheld``: secrets are never stored."""

    secret_fields: ClassVar[tuple[str, ...]] = ()
    when_withheld: ClassVar[str] = ""

    withheld: list[str] = Field(
        default_factory=list,
        description="On a replay (Idempotent-Replayed: true): the secret fields left out, which "
        "only the first answer showed",
    )
    withheld_detail: str | None = Field(
        default=None, description="On a replay: why the secret is missing and how to get another"
    )

    def without_secrets(self) -> dict[str, Any]:
        """The answer as it may be kept for replays: every secret field null, and said so."""
        withheld = [name for name in self.secret_fields if getattr(self, name) is not None]
        if not withheld:
            return self.model_dump(mode="json")
        kept = self.model_copy(
            update=dict.fromkeys(withheld)
            | {
                "withheld": withheld,
                "withheld_detail": "secrets are shown only in the first answer and never "
                f"stored; {self.when_withheld}",
            }
        )
        return kept.model_dump(mode="json")


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
