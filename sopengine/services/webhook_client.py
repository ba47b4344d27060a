"""The webhook HTTP client: it only ever reaches addresses it has vetted.

Host names are resolved here, not in the domain (network I/O); ``domain/webhooks.py``
judges the addresses. The check runs when a subscription is made and again at every send,
and the connection goes to exactly the address that passed, so a host name re-pointed
inside afterwards (DNS rebinding) gets nothing.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from sopengine.config import Settings
from sopengine.domain import webhooks as rules


@dataclass(frozen=True)
class Outcome:
    success: bool
    status_code: int | None
    latency_ms: int
    error: str | None


def resolve(host: str) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def vet_host(host: str, allowed: str) -> tuple[str | None, str | None]:
    """Resolve ``host`` once: ``(address to connect to, None)`` or ``(None, why not)``."""
    literal = rules.literal_address(host)
    if literal is not None:
        return rules.vet_addresses(host, [literal], allowed)
    try:
        addresses = rules.parse_addresses(resolve(host))
    except (OSError, UnicodeError, ValueError):
        addresses = []  # a name that does not resolve has no address to vet
    return rules.vet_addresses(host, addresses, allowed)


def url_problem(url: str, allowed: str) -> str | None:
    """Why a webhook may not be sent to this URL, or None when it may."""
    host, problem = rules.url_host(url)
    if host is None:
        return problem
    return vet_host(host, allowed)[1]


class _VettedBackend(httpcore.SyncBackend):
    """Resolves and vets the host when connecting, and connects to exactly that address.

    One resolution for both the check and the connection: a host name that answers a public
    address to the check and an internal one to the connection (DNS rebinding) gets nowhere.
    TLS still verifies the certificate against the URL's host name.
    """

    def __init__(self, allowed: str) -> None:
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address, problem = vet_host(host, self.allowed)
        if address is None:
            raise httpcore.ConnectError(f"refused: {problem}")
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def make_client(settings: Settings) -> httpx.Client:
    """An HTTP client that only ever connects to vetted addresses, with no proxies from the env."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend: rebuild its pool with ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=transport._pool._ssl_context,
        network_backend=_VettedBackend(settings.webhook_allowed_hosts),
    )
    return httpx.Client(transport=transport, trust_env=False)


def send(
    client: httpx.Client, settings: Settings, *, url: str, secret: str, message_id: str, body: bytes
) -> Outcome:
    """POST one signed delivery; any failure becomes an outcome, never an exception."""
    started = time.monotonic()
    problem = url_problem(url, settings.webhook_allowed_hosts)
    if problem:
        return Outcome(False, None, 0, f"refused: {problem}")
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "sopengine-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": rules.sign(secret, message_id, timestamp, body),
    }
    try:
        response = client.post(
            url,
            content=body,
            headers=headers,
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
        )
    except Exception as exc:  # a receiver's failure must never stop the worker
        return Outcome(False, None, _ms(started), f"{type(exc).__name__}: {exc}"[:1000])
    ok = 200 <= response.status_code < 300
    error = None if ok else f"HTTP {response.status_code}"
    return Outcome(ok, response.status_code, _ms(started), error)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
