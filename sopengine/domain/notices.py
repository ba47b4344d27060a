"""E-mail notices: who gets what, how often they want it, and when deadlines are announced.

Pure: the service (``services/notices.py``) loads the officials and the facts of an outbox
event and asks here who must be told. The table ``RULES`` is the one place that says it;
the README's table is generated from it (``rules_table``) and a test keeps them equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from sopengine.domain.roles import Kind as OfficialKind
from sopengine.domain.roles import Role
from sopengine.domain.signoff import IRAQI_WEEKEND


class Mode(StrEnum):
    """How an official wants one kind of notice."""

    IMMEDIATELY = "immediately"
    DIGEST = "digest"
    """Gathered into one message a day."""
    OFF = "off"


class Kind(StrEnum):
    """The kinds of notice an official sets a preference for."""

    SIGNOFF_REQUESTED = "signoff.requested"
    SIGNOFF_DEADLINE = "signoff.deadline"
    VERSION_REJECTED = "version.rejected"
    VERSION_ENDORSED = "version.endorsed"
    VERSION_APPLIED = "version.applied"
    VERSION_WITHDRAWN = "version.withdrawn"
    COMMENT_CREATED = "comment.created"
    REVIEW_DUE = "review.due"


DIGEST = "digest"
"""The ``kind`` of the one daily message that gathers an official's digest notices."""

DEADLINE_KINDS = frozenset({Kind.SIGNOFF_DEADLINE})
"""Kinds a signatory cannot turn off: its ministry's decision is due."""


class Status(StrEnum):
    """A notice's state; the ones it shares with a webhook delivery have the same values."""

    PENDING = "pending"
    """Waiting to be sent (or to be retried)."""
    HELD = "held"
    """Waiting for the official's daily digest."""
    IN_DIGEST = "in_digest"
    """Gathered into a digest message, which is sent in its place."""
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    """A group of officials, named as the README's table names it."""

    SIGNATORIES_OF_MINISTRY = "the signatories of the ministry concerned"
    DRAFTERS_OF_BOUND = "the drafters of the bound ministries"
    SUBMITTER = "the official who submitted the version"
    EVERYONE_OF_BOUND = "every official of every bound ministry"
    FACILITATORS = "facilitators"
    PARENT_AUTHOR = "the author of the comment replied to"
    LEAD_SIGNATORIES = "the lead ministry's signatories"
    LEAD_DRAFTERS = "the lead ministry's drafters"


@dataclass(frozen=True)
class Rule:
    event_type: str
    """The outbox event (``domain/webhooks.EVENT_TYPES``) that causes the notice."""
    kind: Kind
    audiences: tuple[Audience, ...]
    when: str
    """What happened, as the README's table says it."""


RULES: tuple[Rule, ...] = (
    Rule(
        "signoff.requested",
        Kind.SIGNOFF_REQUESTED,
        (Audience.SIGNATORIES_OF_MINISTRY,),
        "a version awaits a ministry's decision",
    ),
    Rule(
        "signoff.due_soon",
        Kind.SIGNOFF_DEADLINE,
        (Audience.SIGNATORIES_OF_MINISTRY,),
        "3 working days (Sunday–Thursday; `SOPENGINE_NOTICE_DEADLINE_WORKING_DAYS`) before "
        "`respond_by`, to ministries still pending",
    ),
    Rule(
        "signoff.overdue",
        Kind.SIGNOFF_DEADLINE,
        (Audience.SIGNATORIES_OF_MINISTRY,),
        "once, the day after `respond_by`, to ministries still pending",
    ),
    Rule(
        "version.rejected",
        Kind.VERSION_REJECTED,
        (Audience.DRAFTERS_OF_BOUND, Audience.SUBMITTER),
        "a ministry rejected the version (the message carries its comment)",
    ),
    Rule(
        "version.endorsed",
        Kind.VERSION_ENDORSED,
        (Audience.EVERYONE_OF_BOUND, Audience.FACILITATORS),
        "every required ministry approved",
    ),
    Rule(
        "version.applied",
        Kind.VERSION_APPLIED,
        (Audience.EVERYONE_OF_BOUND, Audience.FACILITATORS),
        "the version is in force from its effective date",
    ),
    Rule(
        "version.withdrawn",
        Kind.VERSION_WITHDRAWN,
        (Audience.EVERYONE_OF_BOUND, Audience.FACILITATORS),
        "the version was withdrawn (with the reason)",
    ),
    Rule(
        "comment.created",
        Kind.COMMENT_CREATED,
        (Audience.DRAFTERS_OF_BOUND, Audience.PARENT_AUTHOR),
        "a comment was written (its author is not told of it)",
    ),
    Rule(
        "review.due",
        Kind.REVIEW_DUE,
        (Audience.LEAD_SIGNATORIES, Audience.LEAD_DRAFTERS, Audience.FACILITATORS),
        "an applied SOP's periodic review date is 30 days away",
    ),
)

BY_EVENT: dict[str, Rule] = {rule.event_type: rule for rule in RULES}


def rules_table() -> str:
    """The README's table of who gets what, in Markdown."""
    lines = ["| event | when | who is told | preference |", "|---|---|---|---|"]
    for rule in RULES:
        who = "; ".join(a.value for a in rule.audiences)
        lines.append(f"| `{rule.event_type}` | {rule.when} | {who} | `{rule.kind.value}` |")
    return "\n".join(lines)


# --- who --------------------------------------------------------------------------------------


class Recipient(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def roles(self) -> list[str]: ...
    @property
    def ministry_code(self) -> str | None: ...
    @property
    def kind(self) -> str: ...


R = TypeVar("R", bound=Recipient)


@dataclass(frozen=True)
class EventFacts:
    """What the audiences of one event are picked by (loaded by the service)."""

    bound_ministries: frozenset[str] = frozenset()
    ministry: str | None = None
    """The ministry a sign-off request or reminder is for."""
    lead_ministry: str | None = None
    submitter_id: int | None = None
    parent_author_id: int | None = None
    actor_id: int | None = None
    """Who caused the event (a comment's author): never told of its own doing."""


def _in(audience: Audience, who: Recipient, facts: EventFacts) -> bool:
    roles, ministry = who.roles, who.ministry_code
    match audience:
        case Audience.SIGNATORIES_OF_MINISTRY:
            return Role.SIGNATORY in roles and ministry is not None and ministry == facts.ministry
        case Audience.DRAFTERS_OF_BOUND:
            return Role.DRAFTER in roles and ministry in facts.bound_ministries
        case Audience.SUBMITTER:
            return who.id == facts.submitter_id
        case Audience.EVERYONE_OF_BOUND:
            return ministry in facts.bound_ministries
        case Audience.FACILITATORS:
            return Role.FACILITATOR in roles
        case Audience.PARENT_AUTHOR:
            return who.id == facts.parent_author_id
        case Audience.LEAD_SIGNATORIES:
            return (
                Role.SIGNATORY in roles and ministry is not None and ministry == facts.lead_ministry
            )
        case Audience.LEAD_DRAFTERS:
            return (
                Role.DRAFTER in roles and ministry is not None and ministry == facts.lead_ministry
            )
    raise AssertionError(audience)  # pragma: no cover


def recipients(rule: Rule, officials: Iterable[R], facts: EventFacts) -> list[R]:
    """The people ``rule`` tells of an event, each once; systems hear through webhooks."""
    return [
        who
        for who in officials
        if who.kind == OfficialKind.PERSON
        and who.id != facts.actor_id
        and any(_in(a, who, facts) for a in rule.audiences)
    ]


# --- how often ------------------------------------------------------------------------------


def may_turn_off(kind: Kind, roles: Iterable[str]) -> bool:
    return not (kind in DEADLINE_KINDS and Role.SIGNATORY in roles)


def effective_mode(kind: Kind, chosen: Mode | None, roles: Iterable[str]) -> Mode:
    """The mode a notice is sent in: the official's choice, never off for a signatory's deadline."""
    mode = chosen or Mode.IMMEDIATELY
    if mode == Mode.OFF and not may_turn_off(kind, roles):
        return Mode.IMMEDIATELY
    return mode


def preference_problem(kind: str, mode: str, roles: Iterable[str]) -> str | None:
    """Why this preference cannot be set, or None."""
    if kind not in Kind.__members__.values():
        return f"unknown kind of notice; known: {', '.join(Kind)}"
    if mode not in Mode.__members__.values():
        return f"unknown mode; one of {', '.join(Mode)}"
    if mode == Mode.OFF and not may_turn_off(Kind(kind), roles):
        return "deadline notices cannot be turned off for signatories"
    return None


# --- addresses, languages, days ------------------------------------------------------------------


def email_problem(address: str) -> tuple[str | None, str | None]:
    """``(normalized address, None)`` or ``(None, why it is refused)``.

    ``email-validator`` refuses anything that is not one plain address (a line break and a
    second header, a display name, several addresses). The reserved ``.test`` domain is
    accepted (test and training set-ups); other special-use names are not.
    """
    try:
        valid = validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return None, str(exc)
    return valid.normalized.lower(), None


def language_order(chosen: str | None, ministry: str | None) -> tuple[str, str]:
    """The official's language first, the other below; without a choice, a ministry's
    officials read Arabic first and ICMPD's English first."""
    first = chosen if chosen in ("ar", "en") else ("ar" if ministry else "en")
    return (first, "en" if first == "ar" else "ar")


def digest_day(moment: datetime, timezone: str) -> date:
    """The day (in the service's time zone) whose digest a notice written now joins."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def digest_cutoff(now: datetime, timezone: str, hour: int) -> date:
    """Digests of days before this one are due: day D's digest goes at ``hour`` on D + 1."""
    return (now.astimezone(ZoneInfo(timezone)) - timedelta(hours=hour)).date()


def reminder_date(
    respond_by: date, working_days: int, weekend: frozenset[int] = IRAQI_WEEKEND
) -> date:
    """The working day ``working_days`` working days before ``respond_by``."""
    current, left = respond_by, working_days
    while left > 0:
        current -= timedelta(days=1)
        if current.weekday() not in weekend:
            left -= 1
    return current


class Deadline(StrEnum):
    DUE_SOON = "signoff.due_soon"
    OVERDUE = "signoff.overdue"


def deadline_due(
    respond_by: date, submitted_on: date, today: date, working_days: int
) -> Deadline | None:
    """Which deadline notice a pending ministry is owed today, if any.

    Overdue once the day after ``respond_by`` has come; "due soon" from the reminder date
    on, unless the round opened that late (then the request itself said the deadline).
    """
    if today > respond_by:
        return Deadline.OVERDUE
    remind_on = reminder_date(respond_by, working_days)
    if today >= remind_on and submitted_on < remind_on:
        return Deadline.DUE_SOON
    return None
