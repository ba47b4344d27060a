"""Webhook rules: event types, Standard Webhooks signing, retry backoff, URL safety.

Pure: the caller resolves host names (``services/webhook_client.py``) and hands the
addresses in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


EVENT_TYPES: tuple[str, ...] = (
    "version.submitted",
    "signoff.requested",
    "signoff.due_soon",
    "signoff.overdue",
    "signoff.recorded",
    "version.rejected",
    "version.endorsed",
    "version.applied",
    "version.superseded",
    "version.withdrawn",
    "comment.created",
    "review.due",
    "audit.checkpoint",
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
    return float(delay / 2 + rand() * delay / 2)


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def url_host(url: str) -> tuple[str | None, str | None]:
    """The host a webhook URL names, ``(host, None)``, or ``(None, why the URL is refused)``.

    http and https only, no credentials, nothing malformed; whether the host itself may be
    reached is :func:`vet_addresses`' question, once the caller has looked it up.
    """
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None, "the URL contains spaces or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port  # raises on a malformed port
    except ValueError as exc:
        return None, f"not a valid URL: {exc}"
    if port == 0:
        return None, "port 0 cannot be connected to"
    if parts.scheme not in ("http", "https"):
        return None, "only http and https URLs are allowed"
    if not host:
        return None, "the URL has no host"
    if parts.username or parts.password:
        return None, "credentials in the URL are not allowed; use the signing secret"
    return host, None


def literal_address(host: str) -> Address | None:
    """The host as an IP address when it is one (``[::1]`` too), None when it is a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def parse_addresses(found: Iterable[str]) -> list[Address]:
    """Addresses as a resolver answers them, without IPv6 zone ids; ValueError on garbage."""
    return [ipaddress.ip_address(a.split("%")[0]) for a in found]


def vet_addresses(
    host: str, addresses: Sequence[Address], allowed: str
) -> tuple[str | None, str | None]:
    """``(address to connect to, None)`` or ``(None, why not)`` for what ``host`` resolved to.

    Multicast addresses (224.0.0.0/4, ff00::/8) are always refused. Loopback, private,
    link-local and other non-public addresses (including IPv4 embedded in 6to4, Teredo, NAT64
    and mapped IPv6 addresses) are refused unless the host name, or a network containing the
    address, is in ``allowed``. The caller connects to exactly the
    address answered here, so a name that resolves elsewhere a moment later (DNS rebinding)
    cannot reach an internal service.
    """
    names, networks = _allow_list(allowed)
    if not addresses:
        return None, f"the host {host!r} does not resolve"
    for address in addresses:
        if any(inner.is_multicast for inner in _embedded(address)):
            # One request to many receivers: never a webhook, whatever the allow-list says.
            return None, f"{host} resolves to {address}, a multicast address"
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


def _embedded(address: Address) -> list[Any]:
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
