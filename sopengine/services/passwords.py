"""Passwords: Argon2id hashes, and the rules a new password must meet."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sopengine.config import Settings
from sopengine.errors import FieldError, pointer

MIN_LENGTH = 12
MAX_LENGTH = 256
"""Longer input is refused before any hashing: hashing is the costly part of a sign-in."""


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hash_password(settings: Settings, password: str) -> str:
    return hasher(settings).hash(password)


def verify(settings: Settings, stored: str | None, password: str) -> bool:
    """Whether the password matches; costs about the same when there is nothing to match."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher(settings).verify(stored or _decoy(settings), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(settings: Settings, stored: str) -> bool:
    return hasher(settings).check_needs_rehash(stored)


def _decoy(settings: Settings) -> str:
    """A hash to check against when an account has no password, so timing tells nothing."""
    return _decoy_hash(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


@cache
def _decoy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("no account has this password")


@cache
def _common() -> frozenset[str]:
    text = resources.files("sopengine.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def problems(
    password: str, *, name: str, email: str | None = None, field: str = "password"
) -> list[FieldError]:
    """Why this password may not be chosen (empty when it may), at ``field``."""
    where = pointer(field)
    if len(password) > MAX_LENGTH:
        return [FieldError(where, f"at most {MAX_LENGTH} characters")]
    if len(password) < MIN_LENGTH:
        return [FieldError(where, f"at least {MIN_LENGTH} characters")]
    folded = re.sub(r"\s+", "", password.casefold())
    core = re.sub(r"[\d\W_]+$", "", folded)
    if folded in _common() or core in _common() or len(set(folded)) < 4:
        return [FieldError(where, "too common or too easy to guess; choose another")]
    for part in [name, *(email.split("@")[:1] if email else [])]:
        folded_part = re.sub(r"\s+", "", part.casefold())
        if len(folded_part) >= 4 and (folded_part in folded or folded in folded_part):
            return [FieldError(where, "must not contain your name or e-mail address")]
    return []
