"""The audit log's hash chain: how an event is hashed and how a chain is verified."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sopengine.domain.content import sha256_canonical

GENESIS_HASH = "0" * 64


class ChainedEvent(Protocol):
    seq: int
    occurred_at: datetime
    actor_id: int | None
    action: str
    sop_code: str | None
    version_number: int | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


def event_hash(event: ChainedEvent) -> str:
    return sha256_canonical(
        {
            "seq": event.seq,
            "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": event.actor_id,
            "action": event.action,
            "sop_code": event.sop_code,
            "version_number": event.version_number,
            "details": event.details,
            "prev_hash": event.prev_hash,
        }
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_bad_event: int | None
    reason: str | None = None


def verify_chain(events: Iterable[ChainedEvent]) -> ChainReport:
    """Walk events in ``seq`` order; the first that does not link or hash is named."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in events:
        checked += 1
        if event.seq != expected_seq:
            return ChainReport(False, checked, event.seq, f"expected event {expected_seq} (a gap)")
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.seq, "does not link to the previous event")
        if event_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, "its content does not match its hash")
        expected_prev, expected_seq = event.hash, event.seq + 1
    return ChainReport(True, checked, None)
