"""Signed audit checkpoints: when the worker signs the chain head, and with which key.

The private key comes from ``SOPENGINE_AUDIT_SIGNING_KEY`` (PEM text or a file path), never
from the database; only the process that signs (the worker, or ``sopengine audit
checkpoint``) needs it. Without it no checkpoint is made and verification says the chain
is only hash-linked. Each checkpoint is also sent as the webhook event ``audit.checkpoint``
to every ministry, so copies live where the database's writers cannot reach.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import AuditCheckpoint
from sopengine.db.repositories import audit as events
from sopengine.db.repositories import ministries
from sopengine.domain import checkpoints as rules
from sopengine.errors import ConfigurationError
from sopengine.services import webhooks


def key_material(source: str) -> bytes:
    """PEM given as the value itself (``\\n`` escapes allowed), or read from the file it names."""
    text = source.strip()
    if text.startswith("-----BEGIN"):
        return text.replace("\\n", "\n").encode()
    try:
        return Path(text).expanduser().read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read the audit key file {text!r}: {exc.strerror}"
        ) from exc


@lru_cache(maxsize=4)
def _private(source: str) -> Ed25519PrivateKey:
    try:
        return rules.load_private_key(key_material(source))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"SOPENGINE_AUDIT_SIGNING_KEY: {exc}") from exc


@lru_cache(maxsize=4)
def _public(source: str) -> tuple[Ed25519PublicKey, ...]:
    try:
        return tuple(rules.load_public_keys(key_material(source)))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"not an Ed25519 public key: {exc}") from exc


def signing_key(settings: Settings) -> Ed25519PrivateKey | None:
    source = settings.audit_signing_key.strip()
    return _private(source) if source else None


def public_keys(settings: Settings, source: str | None = None) -> tuple[Ed25519PublicKey, ...]:
    """The keys that verify: ``source`` if given, else the configured public keys (a PEM
    may hold several: the current key and retired ones), else the public half of the
    signing key; none when nothing is configured."""
    chosen = (source or settings.audit_public_key).strip()
    if chosen:
        return _public(chosen)
    key = signing_key(settings)
    return (key.public_key(),) if key else ()


def due(session: Session, settings: Settings, now: datetime) -> str | None:
    """Why the head should be signed now (``events`` or ``daily``), or None."""
    head = events.head(session)
    if head is None:
        return None
    last = events.latest_checkpoint(session)
    if last is None or head.seq - last.seq >= settings.audit_checkpoint_events:
        return "events"
    if now - last.signed_at >= timedelta(hours=settings.audit_checkpoint_hours):
        return "daily"
    return None


def make_due(session: Session, settings: Settings) -> AuditCheckpoint | None:
    """The worker's chore: sign the head if it is due and a key is configured."""
    key = signing_key(settings)
    if key is None:
        return None
    trigger = due(session, settings, utcnow())
    return make(session, key, trigger) if trigger else None


def make(session: Session, key: Ed25519PrivateKey, trigger: str) -> AuditCheckpoint | None:
    """Sign the current head and announce it; None while the log is empty."""
    # Under the append lock: the head cannot move between reading and signing it.
    dialect_of(session).serialize_audit_appends(session)
    head = events.head(session)
    if head is None:
        return None
    now = utcnow()
    signature = rules.sign(key, head.seq, head.hash, now)
    checkpoint = AuditCheckpoint(
        seq=head.seq,
        event_hash=head.hash,
        signed_at=now,
        key_id=signature.key_id,
        signature=signature.value,
        trigger=trigger,
    )
    session.add(checkpoint)
    session.flush()
    webhooks.emit(
        session,
        "audit.checkpoint",
        sop_code=None,
        ministries=[m.code for m in ministries.all_by_code(session)],
        data={**rules.as_record(checkpoint, checkpoint.key_id), "trigger": trigger},
    )
    return checkpoint


def latest_record(session: Session) -> dict[str, object] | None:
    """The newest checkpoint as exports carry it in their manifest."""
    last = events.latest_checkpoint(session)
    return rules.as_record(last, last.key_id) if last else None
