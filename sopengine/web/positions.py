"""Each required ministry's standing in a version's current round, as pages show it."""

from __future__ import annotations

from dataclasses import dataclass

from sopengine.db.base import utcnow
from sopengine.db.models import SignOff, SopVersion
from sopengine.domain import signoff as so
from sopengine.domain.workflow import State
from sopengine.services import facts


@dataclass(frozen=True)
class Position:
    ministry: str
    status: str
    signoff: SignOff | None


def positions_of(version: SopVersion, signoffs: list[SignOff]) -> list[Position]:
    today = utcnow().date()
    respond_by = version.respond_by if version.state == State.IN_REVIEW else None
    return [
        Position(ministry, so.status_of(p, respond_by, today).value, p)
        for ministry, p in facts.positions(version, signoffs).items()
    ]
