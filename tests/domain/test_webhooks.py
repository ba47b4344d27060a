from __future__ import annotations

import ipaddress
import json
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sopengine.domain.webhooks import (
    backoff_seconds,
    literal_address,
    new_secret,
    parse_addresses,
    sign,
    url_host,
    vet_addresses,
)


def test_signature_verifies_with_standardwebhooks() -> None:
    secret = new_secret()
    body = json.dumps({"type": "version.endorsed"}).encode()
    ts = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, "msg_1", ts, body),
    }
    assert Webhook(secret).verify(body, headers) == {"type": "version.endorsed"}
    headers["webhook-signature"] = sign(new_secret(), "msg_1", ts, body)
    with pytest.raises(WebhookVerificationError, match="No matching signature found"):
        Webhook(secret).verify(body, headers)


def test_backoff_grows_is_capped_and_jittered() -> None:
    assert backoff_seconds(1, 10, 3600, rand=lambda: 0.0) == 5
    assert backoff_seconds(1, 10, 3600, rand=lambda: 1.0) == 10
    assert backoff_seconds(4, 10, 3600, rand=lambda: 1.0) == 80
    assert backoff_seconds(30, 10, 3600, rand=lambda: 1.0) == 3600


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://hooks.moi.gov.iq/sop", "hooks.moi.gov.iq"),
        ("http://127.0.0.1:8080/hook", "127.0.0.1"),
        ("http://[::1]/hook", "::1"),
        ("ftp://hooks.moi.gov.iq/x", None),
        ("file:///etc/passwd", None),
        ("http://user:pw@hooks.moi.gov.iq/", None),
        ("http://[::1/", None),
        ("http://h:99999/", None),
        ("http://x y/", None),
        ("http://93.184.216.34/a\x7fb", None),
        ("http://hooks.moi.gov.iq:0/sop", None),
        ("https://[2001:db8::1]:0/", None),
    ],
)
def test_url_host_refuses_what_no_lookup_can_fix(url: str, host: str | None) -> None:
    found, problem = url_host(url)
    assert found == host and (problem is None) == (host is not None), problem


@pytest.mark.parametrize(
    ("host", "addresses", "allowed", "ok"),
    [
        ("hooks.moi.gov.iq", ["8.8.8.8"], "", True),
        ("localhost", ["127.0.0.1"], "", False),
        ("localhost", ["127.0.0.1"], "localhost", True),
        ("internal.example", ["10.9.8.7"], "", False),
        ("internal.example", ["10.9.8.7"], "10.0.0.0/8", True),
        ("metadata", ["169.254.169.254"], "", False),
        ("mixed.example", ["8.8.8.8", "192.168.1.5"], "", False),
        ("nowhere.invalid", [], "", False),
        ("six.example", ["fe80::1%eth0"], "", False),
        ("6to4.example", ["2002:7f00:1::"], "", False),
        ("nat64.example", ["64:ff9b::7f00:1"], "", False),
        ("mapped.example", ["::ffff:127.0.0.1"], "", False),
        ("teredo.example", ["2001::ffff:80ff:fffe"], "", False),
        ("multicast.example", ["224.0.0.1"], "", False),
        ("multicast.example", ["239.255.255.250"], "", False),
        ("multicast.example", ["233.252.0.1"], "", False),
        ("multicast.example", ["233.252.0.1"], "224.0.0.0/4", False),
        ("multicast.example", ["233.252.0.1"], "multicast.example", False),
        ("multicast6.example", ["ff0e::1"], "", False),
        ("multicast6.example", ["ff02::1"], "ff00::/8", False),
        ("mapped.example", ["::ffff:233.252.0.1"], "", False),
    ],
)
def test_vet_addresses(host: str, addresses: list[str], allowed: str, ok: bool) -> None:
    address, problem = vet_addresses(host, parse_addresses(addresses), allowed)
    assert (address == addresses[0]) if ok else (address is None and problem), problem


def test_an_address_literal_needs_no_lookup() -> None:
    assert literal_address("[::1]") == ipaddress.ip_address("::1")
    assert literal_address("127.0.0.1") == ipaddress.ip_address("127.0.0.1")
    assert literal_address("hooks.moi.gov.iq") is None
