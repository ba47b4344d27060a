"""Who is told of what, preferences, deadline days and digest days: no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from sopengine.domain import notices as rules
from sopengine.domain.notices import Deadline, EventFacts, Kind, Mode
from sopengine.domain.signoff import add_working_days
from sopengine.domain.webhooks import EVENT_TYPES


@dataclass(frozen=True)
class Who:
    id: int
    roles: list[str]
    ministry_code: str | None
    kind: str = "person"


PEOPLE = [
    Who(1, ["drafter"], "MOI"),
    Who(2, ["signatory"], "MOI"),
    Who(3, ["reviewer"], "MOI"),
    Who(4, ["drafter"], "MOMD"),
    Who(5, ["signatory"], "MOMD"),
    Who(6, ["facilitator"], None),
    Who(7, ["admin"], None),
    Who(8, ["signatory"], "MOI", kind="system"),
    Who(9, ["drafter"], "MFA"),
]


def told(event: str, facts: EventFacts) -> list[int]:
    return [w.id for w in rules.recipients(rules.BY_EVENT[event], PEOPLE, facts)]


def test_every_rule_is_for_an_outbox_event() -> None:
    assert set(rules.BY_EVENT) <= set(EVENT_TYPES)
    assert {r.kind for r in rules.RULES} == set(Kind)


def test_who_is_told() -> None:
    bound = frozenset({"MOI", "MOMD"})
    assert told("signoff.requested", EventFacts(bound, ministry="MOI")) == [2], "no system"
    assert told("signoff.overdue", EventFacts(bound, ministry="MOMD")) == [5]
    assert told("version.rejected", EventFacts(bound, submitter_id=6)) == [1, 4, 6]
    assert told("version.endorsed", EventFacts(bound)) == [1, 2, 3, 4, 5, 6]
    assert told("comment.created", EventFacts(bound, parent_author_id=3, actor_id=1)) == [3, 4]
    assert told("review.due", EventFacts(bound, lead_ministry="MOMD")) == [4, 5, 6]


def test_deadlines_cannot_be_turned_off_for_signatories() -> None:
    assert rules.effective_mode(Kind.SIGNOFF_DEADLINE, Mode.OFF, ["signatory"]) == Mode.IMMEDIATELY
    assert rules.effective_mode(Kind.SIGNOFF_DEADLINE, Mode.OFF, ["drafter"]) == Mode.OFF
    assert rules.effective_mode(Kind.REVIEW_DUE, Mode.OFF, ["signatory"]) == Mode.OFF
    assert rules.effective_mode(Kind.REVIEW_DUE, None, ["signatory"]) == Mode.IMMEDIATELY
    assert rules.preference_problem("signoff.deadline", "off", ["signatory"])
    assert rules.preference_problem("signoff.deadline", "digest", ["signatory"]) is None
    assert rules.preference_problem("nope", "off", ["drafter"])
    assert rules.preference_problem("review.due", "weekly", ["drafter"])


@pytest.mark.parametrize(
    "address",
    ["a@b.c\r\nBcc: x@y.z", "a@b.c\n", "Ada <a@moi.gov.iq>", "a@moi.gov.iq,b@moi.gov.iq", "a@"],
)
def test_only_one_plain_address_passes(address: str) -> None:
    assert rules.email_problem(address)[0] is None


def test_an_address_is_normalized() -> None:
    assert rules.email_problem("L.Hassan@MOI.gov.iq") == ("l.hassan@moi.gov.iq", None)


def test_language_order() -> None:
    assert rules.language_order("en", "MOI") == ("en", "ar")
    assert rules.language_order(None, "MOI") == ("ar", "en")
    assert rules.language_order(None, None) == ("en", "ar")
    assert rules.language_order("ar", None) == ("ar", "en")


def test_reminder_date_counts_sunday_to_thursday() -> None:
    respond_by = date(2026, 12, 10)  # a Thursday
    assert rules.reminder_date(respond_by, 3) == date(2026, 12, 7)  # Monday
    sunday = date(2026, 12, 13)
    assert rules.reminder_date(sunday, 3) == date(2026, 12, 8)  # over Friday and Saturday
    for start in (date(2026, 12, d) for d in range(1, 20)):
        if start.weekday() not in (4, 5):
            assert add_working_days(rules.reminder_date(start, 3), 3) == start


def test_which_deadline_notice_is_owed() -> None:
    respond_by, submitted = date(2026, 12, 10), date(2026, 11, 19)
    assert rules.deadline_due(respond_by, submitted, date(2026, 12, 6), 3) is None
    assert rules.deadline_due(respond_by, submitted, date(2026, 12, 7), 3) == Deadline.DUE_SOON
    assert rules.deadline_due(respond_by, submitted, respond_by, 3) == Deadline.DUE_SOON
    assert rules.deadline_due(respond_by, submitted, date(2026, 12, 11), 3) == Deadline.OVERDUE
    late = date(2026, 12, 8)
    assert rules.deadline_due(respond_by, late, date(2026, 12, 9), 3) is None, "a short round"


def test_digest_days_are_baghdad_days() -> None:
    late_utc = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # 01:30 on the 30th in Baghdad
    assert rules.digest_day(late_utc, "Asia/Baghdad") == date(2026, 11, 30)
    at_seven = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 07:00 in Baghdad
    assert rules.digest_cutoff(at_seven, "Asia/Baghdad", 7) == date(2026, 12, 1)
    before = datetime(2026, 12, 1, 3, 59, tzinfo=UTC)
    assert rules.digest_cutoff(before, "Asia/Baghdad", 7) == date(2026, 11, 30)
