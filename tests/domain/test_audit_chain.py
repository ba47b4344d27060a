from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sopengine.domain.audit_chain import GENESIS_HASH, event_hash, verify_chain


@dataclass
class Event:
    seq: int
    prev_hash: str
    action: str = "x"
    occurred_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    actor_id: int | None = 1
    sop_code: str | None = "SOP-1"
    version_number: int | None = 1
    details: dict[str, Any] = field(default_factory=dict)
    hash: str = ""


def chain(n: int) -> list[Event]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        event = Event(seq=seq, prev_hash=prev, action=f"a{seq}")
        event.hash = event_hash(event)
        events.append(event)
        prev = event.hash
    return events


def test_intact_chain() -> None:
    report = verify_chain(chain(5))
    assert report.ok and report.events_checked == 5 and report.first_bad_event is None


def test_edited_event_is_named() -> None:
    events = chain(5)
    events[2] = replace(events[2], details={"forged": True})
    report = verify_chain(events)
    assert not report.ok and report.first_bad_event == 3


def test_removed_event_is_a_gap() -> None:
    events = chain(5)
    del events[1]
    assert verify_chain(events).first_bad_event == 3


def test_relinked_event_is_caught() -> None:
    events = chain(3)
    events[1].prev_hash = "f" * 64
    events[1].hash = event_hash(events[1])
    assert verify_chain(events).first_bad_event == 2
