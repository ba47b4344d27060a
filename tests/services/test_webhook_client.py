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


def internal(host: str, address: str) -> str:
    return (
        f"{host} resolves to {address}, a loopback, private or link-local address; "
        "list it in SOPENGINE_WEBHOOK_ALLOWED_HOSTS to allow it"
    )


NOT_HTTP = "only http and https URLs are allowed"
CONTROL = "the URL contains spaces or control characters"


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
        (
            "http://169.254.169.254/latest/meta-data",
            "",
            internal("169.254.169.254", "169.254.169.254"),
        ),
        ("http://[::1]/hook", "", internal("::1", "::1")),
        ("http://internal.example/hook", "", internal("internal.example", "10.9.8.7")),
        ("http://127.0.0.1:8080/hook", "127.0.0.0/8", None),
        ("http://localhost/hook", "localhost", None),
        ("http://internal.example/hook", "10.0.0.0/8", None),
        (
            "http://user:pw@hooks.moi.gov.iq/",
            "",
            "credentials in the URL are not allowed; use the signing secret",
        ),
        ("https://nowhere.invalid/", "", "the host 'nowhere.invalid' does not resolve"),
    ],
)
def test_url_safety(url: str, allowed: str, expected: str | None) -> None:
    assert webhook_client.url_problem(url, allowed) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[2002:7f00:1::]/", internal("2002:7f00:1::", "2002:7f00:1::")),
        ("http://[64:ff9b::7f00:1]/", internal("64:ff9b::7f00:1", "64:ff9b::7f00:1")),
        ("http://[::ffff:127.0.0.1]/", internal("::ffff:127.0.0.1", "::ffff:7f00:1")),
        (
            "http://[2001::ffff:80ff:fffe]/",
            internal("2001::ffff:80ff:fffe", "2001::ffff:80ff:fffe"),
        ),
        ("http://[::1/", "not a valid URL: Invalid IPv6 URL"),
        ("http://h:99999/", "not a valid URL: Port out of range 0-65535"),
        ("http://x y/", CONTROL),
        ("http://93.184.216.34/a\x7fb", CONTROL),
    ],
)
def test_embedded_internal_addresses_and_malformed_urls_are_refused(
    url: str, expected: str
) -> None:
    assert webhook_client.url_problem(url, "") == expected


def test_the_connection_goes_to_the_vetted_address() -> None:
    assert webhook_client.vet_host("hooks.moi.gov.iq", "") == ("8.8.8.8", None)
    address, problem = webhook_client.vet_host("internal.example", "")
    assert address is None and problem and "10.9.8.7" in problem
