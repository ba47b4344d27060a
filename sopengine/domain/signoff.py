"""Who must sign, which decisions count, and the consultation deadline."""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

IRAQI_WEEKEND = frozenset({4, 5})
"""Friday and Saturday (``date.weekday()``): the working week is Sunday to Thursday."""


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    OVERDUE = "overdue"


class SignOffLike(Protocol):
    ministry_code: str
    decision: str
    content_hash: str
    review_round: int
    decided_at: datetime


def current_positions(
    required: Collection[str],
    signoffs: Iterable[SignOffLike],
    content_hash: str,
    review_round: int,
) -> dict[str, SignOffLike | None]:
    """Each required ministry's latest decision on this text in this round (None: pending).

    A sign-off on another hash, or from an earlier round, is stale and never counts.
    """
    positions: dict[str, SignOffLike | None] = dict.fromkeys(sorted(required))
    for s in sorted(signoffs, key=lambda s: s.decided_at):
        if (
            s.ministry_code in positions
            and s.content_hash == content_hash
            and s.review_round == review_round
        ):
            positions[s.ministry_code] = s
    return positions


def all_approved(positions: Mapping[str, SignOffLike | None]) -> bool:
    return bool(positions) and all(
        p is not None and p.decision == Decision.APPROVE for p in positions.values()
    )


def status_of(position: SignOffLike | None, respond_by: date | None, today: date) -> Status:
    if position is not None:
        return Status.APPROVED if position.decision == Decision.APPROVE else Status.REJECTED
    if respond_by is not None and today > respond_by:
        return Status.OVERDUE
    return Status.PENDING


class Method(StrEnum):
    """How a signer proved who it was when it signed."""

    PASSWORD = "password"
    """A person, re-authenticated with its password at that moment."""
    TOKEN = "token"
    """A ministry's system, with its API token."""


def signature_meaning(decision: str, ministry_name: str) -> str:
    verb = "Approved" if decision == Decision.APPROVE else "Rejected"
    return f"{verb} on behalf of the {ministry_name}"


def signature_meaning_ar(decision: str, ministry_name_ar: str) -> str:
    verb = "تمت الموافقة" if decision == Decision.APPROVE else "تم الرفض"
    return f"{verb} نيابةً عن {ministry_name_ar}"


def add_working_days(start: date, days: int, weekend: Collection[int] = IRAQI_WEEKEND) -> date:
    """The date ``days`` working days after ``start`` (which itself does not count)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() not in weekend:
            left -= 1
    return current


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
