"""Signed checkpoints catch what the hash chain alone cannot: a rewrite with new hashes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sopengine.domain import checkpoints
from sopengine.domain.audit_chain import GENESIS_HASH, event_hash, verify_chain

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()


@dataclass
class Event:
    seq: int
    occurred_at: datetime
    action: str
    prev_hash: str = ""
    hash: str = ""
    actor_id: int | None = None
    sop_code: str | None = None
    version_number: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Checkpoint:
    id: int
    seq: int
    event_hash: str
    signed_at: datetime
    signature: str = ""


def chain(actions: list[str]) -> list[Event]:
    """A well-formed chain: what a rewrite that recomputes every hash also produces."""
    events, prev = [], GENESIS_HASH
    for i, action in enumerate(actions, start=1):
        event = Event(i, T0 + timedelta(minutes=i), action, prev_hash=prev)
        event.hash = event_hash(event)
        events.append(event)
        prev = event.hash
    return events


def signed(events: list[Event], seq: int, cp_id: int, key: Ed25519PrivateKey = KEY) -> Checkpoint:
    at = T0 + timedelta(hours=seq)
    cp = Checkpoint(cp_id, seq, events[seq - 1].hash, at)
    cp.signature = checkpoints.sign(key, seq, cp.event_hash, at).value
    return cp


ACTIONS = [f"sop.edited.{i}" for i in range(10)]


def test_an_untouched_chain_verifies_with_its_checkpoints() -> None:
    events = chain(ACTIONS)
    cps = [signed(events, 4, 1), signed(events, 8, 2)]
    report = verify_chain(events, cps, [KEY.public_key()])
    assert report.ok and report.events_checked == 10
    assert report.checkpoints_checked == 2 and report.signed_up_to == 8
    assert report.signatures_verified


def test_a_rewrite_that_recomputes_every_hash_names_the_checkpoint_it_breaks() -> None:
    events = chain(ACTIONS)
    cps = [signed(events, 4, 1), signed(events, 8, 2)]
    rewritten = chain([*ACTIONS[:5], "official.deleted", *ACTIONS[6:]])  # event 6 edited
    assert verify_chain(rewritten).ok, "the hash chain alone cannot see it"
    report = verify_chain(rewritten, cps, [KEY.public_key()])
    assert not report.ok and report.first_bad_checkpoint == 2 and report.first_bad_event == 8
    assert report.signed_up_to == 4 and "after event 4" in (report.reason or "")


def test_a_forged_or_altered_signature_is_named() -> None:
    events = chain(ACTIONS)
    good = signed(events, 4, 1)
    forged = signed(events, 8, 2, key=Ed25519PrivateKey.generate())
    report = verify_chain(events, [good, forged], [KEY.public_key()])
    assert not report.ok and report.first_bad_checkpoint == 2 and report.first_bad_event == 8
    assert "signature" in (report.reason or "")

    moved = replace(good, signed_at=good.signed_at + timedelta(seconds=1))
    assert verify_chain(events, [moved], [KEY.public_key()]).first_bad_checkpoint == 1
    garbage = replace(good, signature="not base64!")
    assert verify_chain(events, [garbage], [KEY.public_key()]).first_bad_checkpoint == 1


def test_removed_events_are_found_by_a_checkpoint_beyond_the_end() -> None:
    events = chain(ACTIONS)
    cps = [signed(events, 9, 1)]
    report = verify_chain(events[:7], cps, [KEY.public_key()])
    assert not report.ok and report.first_bad_checkpoint == 1 and "removed" in (report.reason or "")
    assert report.first_bad_event == 8, "the first event missing"


def test_without_a_key_hashes_are_compared_but_signatures_are_not() -> None:
    events = chain(ACTIONS)
    forged = signed(events, 4, 1, key=Ed25519PrivateKey.generate())
    report = verify_chain(events, [forged])
    assert report.ok and not report.signatures_verified and report.checkpoints_checked == 1


def test_keys_round_trip_through_pem() -> None:
    private, public = checkpoints.new_key_pair()
    key = checkpoints.load_private_key(private)
    assert checkpoints.key_id(checkpoints.load_public_key(public)) == checkpoints.key_id(
        key.public_key()
    )
    assert checkpoints.key_id(checkpoints.load_public_key(private)) == checkpoints.key_id(
        key.public_key()
    )


def test_after_a_rotation_the_old_and_new_keys_verify_together() -> None:
    events = chain(ACTIONS)
    new_key = Ed25519PrivateKey.generate()
    cps = [signed(events, 4, 1), signed(events, 8, 2, key=new_key)]
    assert not verify_chain(events, cps, [new_key.public_key()]).ok
    pems = b"".join(checkpoints.new_key_pair()[1] for _ in range(1))
    both = [KEY.public_key(), new_key.public_key()]
    assert verify_chain(events, cps, both).ok
    assert len(checkpoints.load_public_keys(pems + pems)) == 2
