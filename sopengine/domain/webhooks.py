"""Webhook rules: event types, Standard Webhooks signing, retry backoff, URL safety."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

EVENT_TYPES: tuple[str, ...] = (
    "version.submitted",
    "signoff.requested",
    "signoff.recorded",
    "version.rejected",
    "version.endorsed",
    "version.applied",
    "version.superseded",
    "version.withdrawn",
    "comment.created",
    "review.due",
)

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (Standard Webhooks, v1 = HMAC-SHA256)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def backoff_seconds(
    attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, capped, with jitter.

    Half the delay is fixed and half random, so retries spread out but never come early.
    """
    delay = min(cap, base * 2 ** (attempt - 1))
    return delay / 2 + rand() * delay / 2


Resolver = Callable[[str], Iterable[str]]


def resolve(host: str) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})


def url_problem(url: str, allowed: str, resolver: Resolver = resolve) -> str | None:
    """Why a webhook may not be sent to this URL, or None when it may.

    http and https only; loopback, private, link-local and other non-public addresses are
    refused unless the host name, or a network containing the address, is in ``allowed``.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "only http and https URLs are allowed"
    host = parts.hostname
    if not host:
        return "the URL has no host"
    if parts.username or parts.password:
        return "credentials in the URL are not allowed; use the signing secret"
    names, networks = _allow_list(allowed)
    if host.lower() in names:
        return None
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(host)]
        except (OSError, UnicodeError):
            return f"the host {host!r} does not resolve"
    if not addresses:
        return f"the host {host!r} does not resolve"
    for address in addresses:
        if not address.is_global and not any(address in net for net in networks):
            return (
                f"{host} resolves to {address}, a loopback, private or link-local address; "
                "list it in SOPENGINE_WEBHOOK_ALLOWED_HOSTS to allow it"
            )
    return None


def _allow_list(
    allowed: str,
) -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks = []
    for item in (part.strip() for part in allowed.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            names.add(item.lower())
    return names, networks
