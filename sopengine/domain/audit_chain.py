"""The audit log's hash chain: how an event is hashed and how a chain is verified, against
its signed checkpoints (``checkpoints.py``) when there are any."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sopengine.domain import checkpoints as checkpoints_rules
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


class Checkpoint(Protocol):
    id: int
    seq: int
    event_hash: str
    signed_at: datetime
    signature: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_bad_event: int | None
    reason: str | None = None
    checkpoints_checked: int = 0
    first_bad_checkpoint: int | None = None
    signed_up_to: int | None = None
    """The last event a verified checkpoint covers: events after it carry no signature yet."""
    signatures_verified: bool = False


def verify_chain(
    events: Iterable[ChainedEvent],
    checkpoints: Sequence[Checkpoint] = (),
    public_keys: Sequence[Ed25519PublicKey] = (),
) -> ChainReport:
    """Walk events in ``seq`` order; the first that does not link or hash is named, and so is
    the first checkpoint whose signature fails or whose signed hash the chain no longer has.

    A checkpoint's signature is good when one of ``public_keys`` verifies it (after a key
    rotation: the current key and the retired ones). Without keys the checkpoints' hashes
    are still compared, but a checkpoint written by whoever rewrote the chain would pass:
    only a signature proves it.
    """
    if public_keys:
        for cp in checkpoints:
            if not any(checkpoints_rules.signature_valid(k, cp) for k in public_keys):
                return ChainReport(
                    False,
                    0,
                    cp.seq,
                    f"checkpoint {cp.id} (event {cp.seq}, signed {_when(cp)}) does not carry a "
                    "valid signature of the audit key: it was altered or forged",
                    first_bad_checkpoint=cp.id,
                    signatures_verified=True,
                )
    signed = bool(public_keys)
    pending = sorted(checkpoints, key=lambda cp: (cp.seq, cp.id))
    expected_prev, expected_seq, checked, done, matched = GENESIS_HASH, 1, 0, 0, None
    for event in events:
        checked += 1
        if event.seq != expected_seq:
            problem = f"expected event {expected_seq} (a gap)"
        elif event.prev_hash != expected_prev:
            problem = "does not link to the previous event"
        elif event_hash(event) != event.hash:
            problem = "its content does not match its hash"
        else:
            problem = None
        if problem:
            return ChainReport(False, checked, event.seq, problem, done, None, matched, signed)
        while done < len(pending) and pending[done].seq == event.seq:
            cp = pending[done]
            if cp.event_hash != event.hash:
                since = f"after event {matched}" if matched else "from the first event"
                return ChainReport(
                    False,
                    checked,
                    event.seq,
                    f"event {event.seq} no longer has the hash signed in checkpoint {cp.id} "
                    f"on {_when(cp)}: the chain was rewritten at or before event {event.seq} "
                    f"({since}) and its hashes recomputed",
                    done,
                    cp.id,
                    matched,
                    signed,
                )
            done, matched = done + 1, event.seq
        expected_prev, expected_seq = event.hash, event.seq + 1
    if done < len(pending):
        cp = pending[done]
        return ChainReport(
            False,
            checked,
            expected_seq,
            f"checkpoint {cp.id} signed event {cp.seq} on {_when(cp)}, but the chain ends at "
            f"event {expected_seq - 1}: events were removed",
            done,
            cp.id,
            matched,
            signed,
        )
    return ChainReport(True, checked, None, None, done, None, matched, signed)


def _when(cp: Checkpoint) -> str:
    return cp.signed_at.astimezone(UTC).isoformat(timespec="seconds")
