"""URL safety end to end: parse, resolve (here a fake resolver), vet the addresses."""

from __future__ import annotations

import pytest

from sopengine.services import webhook_client

ANSWERS = {
    "hooks.moi.gov.iq": ["8.8.8.8"],
    "localhost": ["127.0.0.1"],
    "internal.example": ["10.9.8.7"],
    "nowhere.invalid": [],
}


def fake_resolve(host: str) -> list[str]:
    if host not in ANSWERS:
        raise OSError(f"unexpected lookup of {host!r}: address literals need no DNS")
    return ANSWERS[host]


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook_client, "resolve", fake_resolve)


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
        ("https://unknown.invalid/", "", False),
    ],
)
def test_url_safety(url: str, allowed: str, ok: bool) -> None:
    problem = webhook_client.url_problem(url, allowed)
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
    assert webhook_client.url_problem(url, "") is not None


def test_the_connection_goes_to_the_vetted_address() -> None:
    assert webhook_client.vet_host("hooks.moi.gov.iq", "") == ("8.8.8.8", None)
    address, problem = webhook_client.vet_host("internal.example", "")
    assert address is None and problem and "10.9.8.7" in problem
