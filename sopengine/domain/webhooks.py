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
from typing import Any
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


def url_problem(url: str, allowed: str, resolver: Resolver | None = None) -> str | None:
    """Why a webhook may not be sent to this URL, or None when it may.

    http and https only; loopback, private, link-local and other non-public addresses
    (including IPv4 embedded in 6to4, Teredo, NAT64 and mapped IPv6 addresses) are refused
    unless the host name, or a network containing the address, is in ``allowed``.
    """
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return "the URL contains spaces or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return "only http and https URLs are allowed"
    if not host:
        return "the URL has no host"
    if parts.username or parts.password:
        return "credentials in the URL are not allowed; use the signing secret"
    return vet_host(host, allowed, resolver)[1]


def vet_host(
    host: str, allowed: str, resolver: Resolver | None = None
) -> tuple[str | None, str | None]:
    """Resolve ``host`` once: ``(address to connect to, None)`` or ``(None, why not)``.

    The delivery worker connects to exactly the address vetted here, so a host name that
    resolves elsewhere a moment later (DNS rebinding) cannot reach an internal service.
    """
    names, networks = _allow_list(allowed)
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            found = (resolver or resolve)(host)
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in found]
        except (OSError, UnicodeError, ValueError):
            return None, f"the host {host!r} does not resolve"
    if not addresses:
        return None, f"the host {host!r} does not resolve"
    if host.lower() in names:
        return str(addresses[0]), None
    for address in addresses:
        for inner in _embedded(address):
            if not inner.is_global and not any(inner in net for net in networks):
                return None, (
                    f"{host} resolves to {address}, a loopback, private or link-local address; "
                    "list it in SOPENGINE_WEBHOOK_ALLOWED_HOSTS to allow it"
                )
    return str(addresses[0]), None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[Any]:
    """The address and any IPv4 address carried inside it."""
    found: list[Any] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            found.append(address.ipv4_mapped)
        if address.sixtofour:
            found.append(address.sixtofour)
        if address.teredo:
            found.extend(address.teredo)
        if address in _NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


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
