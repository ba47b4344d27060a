from __future__ import annotations

import json
import time

import pytest
from standardwebhooks import Webhook

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
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(body, headers)


def test_backoff_grows_is_capped_and_jittered() -> None:
    assert backoff_seconds(1, 10, 3600, rand=lambda: 0.0) == 5
    assert backoff_seconds(1, 10, 3600, rand=lambda: 1.0) == 10
    assert backoff_seconds(4, 10, 3600, rand=lambda: 1.0) == 80
    assert backoff_seconds(30, 10, 3600, rand=lambda: 1.0) == 3600


def fake(addresses):
    return lambda host: addresses[host]


@pytest.mark.parametrize(
    ("url", "allowed", "ok"),
    [
        ("https://hooks.moi.gov.iq/sop", "", True),
        ("ftp://hooks.moi.gov.iq/x", "", False),
        ("file:///etc/passwd", "", False),
        ("http://127.0.0.1:8080/hook", "", False),
        ("http://localhost/hook", "", False),
        ("http://10.1.2.3/hook", "", False),
        ("http://192.168.1.5/hook", "", False),
        ("http://169.254.169.254/latest/meta-data", "", False),
        ("http://[::1]/hook", "", False),
        ("http://internal.example/hook", "", False),
        ("http://127.0.0.1:8080/hook", "127.0.0.0/8", True),
        ("http://localhost/hook", "localhost", True),
        ("http://internal.example/hook", "10.0.0.0/8", True),
        ("http://user:pw@hooks.moi.gov.iq/", "", False),
        ("https://nowhere.invalid/", "", False),
    ],
)
def test_url_safety(url: str, allowed: str, ok: bool) -> None:
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
    assert (problem is None) == ok, problem


@pytest.mark.parametrize(
    "url",
    [
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[2001::ffff:80ff:fffe]/",
        "http://[::1/",
        "http://h:99999/",
        "http://x y/",
        "http://93.184.216.34/a\x7fb",
    ],
)
def test_embedded_internal_addresses_and_malformed_urls_are_refused(url: str) -> None:
    assert url_problem(url, "") is not None
