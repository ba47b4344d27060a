from __future__ import annotations

import json
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sopengine.domain.webhooks import backoff_seconds, new_secret, sign, url_problem


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


def fake(addresses):
    return lambda host: addresses[host]


def internal(host: str, address: str) -> str:
    return (
        f"{host} resolves to {address}, a loopback, private or link-local address; "
        "list it in SOPENGINE_WEBHOOK_ALLOWED_HOSTS to allow it"
    )


NOT_HTTP = "only http and https URLs are allowed"


@pytest.mark.parametrize(
    ("url", "allowed", "expected"),
    [
        ("https://hooks.moi.gov.iq/sop", "", None),
        ("ftp://hooks.moi.gov.iq/x", "", NOT_HTTP),
        ("file:///etc/passwd", "", NOT_HTTP),
        ("http://127.0.0.1:8080/hook", "", internal("127.0.0.1", "127.0.0.1")),
        ("http://localhost/hook", "", internal("localhost", "127.0.0.1")),
        ("http://10.1.2.3/hook", "", internal("10.1.2.3", "10.1.2.3")),
        ("http://192.168.1.5/hook", "", internal("192.168.1.5", "192.168.1.5")),
        ("http://169.254.169.254/latest/meta-data", "", internal("169.254.169.254", "169.254.169.254")),
        ("http://[::1]/hook", "", internal("::1", "::1")),
        ("http://internal.example/hook", "", internal("internal.example", "10.9.8.7")),
        ("http://127.0.0.1:8080/hook", "127.0.0.0/8", None),
        ("http://localhost/hook", "localhost", None),
        ("http://internal.example/hook", "10.0.0.0/8", None),
        ("http://user:pw@hooks.moi.gov.iq/", "", "credentials in the URL are not allowed; use the signing secret"),
        ("https://nowhere.invalid/", "", "the host 'nowhere.invalid' does not resolve"),
    ],
)
def test_url_safety(url: str, allowed: str, expected: str | None) -> None:
    resolver = fake(
        {
            "hooks.moi.gov.iq": ["203.0.113.7"],
            "localhost": ["127.0.0.1"],
            "internal.example": ["10.9.8.7"],
            "nowhere.invalid": [],
        }
    )
    # 203.0.113.0/24 is documentation space: treat it as public for this test.
    problem = url_problem(
        url, allowed, resolver=lambda h: ["8.8.8.8"] if h == "hooks.moi.gov.iq" else resolver(h)
    )
    assert problem == expected


CONTROL = "the URL contains spaces or control characters"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[2002:7f00:1::]/", internal("2002:7f00:1::", "2002:7f00:1::")),
        ("http://[64:ff9b::7f00:1]/", internal("64:ff9b::7f00:1", "64:ff9b::7f00:1")),
        ("http://[::ffff:127.0.0.1]/", internal("::ffff:127.0.0.1", "::ffff:7f00:1")),
        ("http://[2001::ffff:80ff:fffe]/", internal("2001::ffff:80ff:fffe", "2001::ffff:80ff:fffe")),
        ("http://[::1/", "not a valid URL: Invalid IPv6 URL"),
        ("http://h:99999/", "not a valid URL: Port out of range 0-65535"),
        ("http://x y/", CONTROL),
        ("http://93.184.216.34/a\x7fb", CONTROL),
    ],
)
def test_embedded_internal_addresses_and_malformed_urls_are_refused(
    url: str, expected: str
) -> None:
    assert url_problem(url, "") == expected
