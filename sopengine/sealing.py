"""Secrets the service must keep usable — webhook signing secrets, needed in plain form to
sign every delivery — sealed at rest with AES-256-GCM under ``SOPENGINE_SECRET_KEY``.

The setting holds one or more keys, comma-separated (each 32 random bytes, URL-safe base64,
as ``sopengine secrets new-key`` prints them). The first key seals; every key opens. To
rotate: put a new key first and keep the old one after it, run ``sopengine secrets rotate``
(which reseals every stored secret with the first key), then drop the old key.

In development mode without a key, a fixed development key (published here, so no secret)
seals and opens; it also opens in development mode when a real key is set, so that
``sopengine secrets rotate`` moves a development database onto the real key. Production mode
refuses to start without a key (``config.Settings``) and never uses the development key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sopengine.config import Settings
from sopengine.domain.webhooks import SECRET_PREFIX

VERSION = "v1:"
"""Starts every sealed value (a plain webhook secret starts ``whsec_``)."""
KEY_BYTES = 32
NONCE_BYTES = 12
DEVELOPMENT_KEY = hashlib.sha256(b"sopengine development key: not a secret").digest()
WEBHOOK_SECRET = b"sopengine webhook signing secret"
"""Associated data: a value sealed for one purpose does not open for another."""


class SealError(Exception):
    """A sealed value that none of the configured keys opens, or a malformed key."""


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_keys(value: str) -> list[bytes]:
    """The keys of ``SOPENGINE_SECRET_KEY``: comma-separated URL-safe base64, 32 bytes each."""
    keys = []
    for i, part in enumerate(p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            key = base64.urlsafe_b64decode(part.encode("ascii") + b"=" * (-len(part) % 4))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise SealError(
                f"key {i + 1} of SOPENGINE_SECRET_KEY is not {KEY_BYTES} bytes of URL-safe base64 "
                "(make one with: sopengine secrets new-key)"
            )
        keys.append(key)
    return keys


class Sealer:
    """Seals with the first key; opens with any."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SealError("no key to seal secrets with")
        self._keys = [AESGCM(k) for k in keys]

    def seal(self, plain: bytes, purpose: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._keys[0].encrypt(nonce, plain, purpose)
        return VERSION + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, sealed: str, purpose: bytes) -> bytes:
        return self._open(sealed, purpose)[0]

    def reseal(self, sealed: str, purpose: bytes) -> str | None:
        """The value sealed with the first key, or None when it already is."""
        plain, index = self._open(sealed, purpose)
        return None if index == 0 else self.seal(plain, purpose)

    def _open(self, sealed: str, purpose: bytes) -> tuple[bytes, int]:
        if not sealed.startswith(VERSION):
            raise SealError("not a sealed value")
        try:
            raw = base64.urlsafe_b64decode(sealed.removeprefix(VERSION).encode("ascii"))
        except (binascii.Error, ValueError) as exc:
            raise SealError("a sealed value is malformed") from exc
        nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        for index, key in enumerate(self._keys):
            try:
                return key.decrypt(nonce, body, purpose), index
            except InvalidTag:
                continue
        raise SealError(
            "no key in SOPENGINE_SECRET_KEY opens a stored secret (was the key that sealed it "
            "removed before `sopengine secrets rotate`?)"
        )


def sealer(settings: Settings) -> Sealer:
    keys = parse_keys(settings.secret_key.get_secret_value()) if settings.secret_key else []
    if not settings.production:
        keys.append(DEVELOPMENT_KEY)
    return Sealer(keys)


def seal_webhook_secret(sealer: Sealer, secret: str) -> str:
    """A ``whsec_`` signing secret as stored: its 32 key bytes, sealed."""
    return sealer.seal(base64.b64decode(secret.removeprefix(SECRET_PREFIX)), WEBHOOK_SECRET)


def open_webhook_secret(sealer: Sealer, sealed: str) -> str:
    """The ``whsec_`` signing secret a stored value seals."""
    return SECRET_PREFIX + base64.b64encode(sealer.open(sealed, WEBHOOK_SECRET)).decode("ascii")
