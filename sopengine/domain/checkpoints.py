"""Signed checkpoints of the audit chain: Ed25519 signatures over the chain head.

A hash chain alone shows that events link, not who linked them: whoever can write the
database can edit an event and recompute every hash after it. A checkpoint is the head of
the chain (sequence number and hash) at a moment, signed with a key kept outside the
database; a chain rewritten without that key no longer has the hashes the checkpoints sign.

The signed message is the canonical JSON of ``{"chain": "sopengine-audit", "seq", "hash",
"signed_at"}`` (``signed_at`` in UTC, ISO 8601 to the microsecond), so anyone with the
public key can check a checkpoint with any Ed25519 library.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sopengine.domain.content import canonical_json

CHAIN_NAME = "sopengine-audit"


class SignedHead(Protocol):
    seq: int
    event_hash: str
    signed_at: datetime
    signature: str


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str


def message(seq: int, event_hash: str, signed_at: datetime) -> bytes:
    return canonical_json(
        {
            "chain": CHAIN_NAME,
            "seq": seq,
            "hash": event_hash,
            "signed_at": signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        }
    )


def sign(key: Ed25519PrivateKey, seq: int, event_hash: str, signed_at: datetime) -> Signature:
    raw = key.sign(message(seq, event_hash, signed_at))
    return Signature(key_id(key.public_key()), base64.b64encode(raw).decode())


def signature_valid(key: Ed25519PublicKey, head: SignedHead) -> bool:
    try:
        key.verify(
            base64.b64decode(head.signature, validate=True),
            message(head.seq, head.event_hash, head.signed_at),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def key_id(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the audit signing key must be an Ed25519 private key (PEM, PKCS#8)")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; a private key's PEM gives its public half."""
    if b"PRIVATE KEY" in pem:
        return load_private_key(pem).public_key()
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the audit public key must be an Ed25519 public key (PEM)")
    return key


_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


def load_public_keys(pem: bytes) -> list[Ed25519PublicKey]:
    """Every key of a PEM file that may hold several (the current key and retired ones)."""
    blocks = [m.group(0) for m in _PEM_BLOCK.finditer(pem)]
    if not blocks:
        raise ValueError("no PEM key found")
    return [load_public_key(block) for block in blocks]


def new_key_pair() -> tuple[bytes, bytes]:
    """``(private PEM, public PEM)`` of a fresh Ed25519 key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def as_record(head: SignedHead, key: str) -> dict[str, Any]:
    """A checkpoint as the manifest and the webhook carry it."""
    return {
        "seq": head.seq,
        "hash": head.event_hash,
        "signed_at": head.signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "key_id": key,
        "signature": head.signature,
    }
