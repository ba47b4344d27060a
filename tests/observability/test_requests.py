"""Request ids, the access log and where request ids are stored."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.models import AuditEvent, WebhookEvent
from sopengine.observability.context import accept_request_id
from sopengine.observability.logs import HumanFormatter, JsonFormatter
from tests.helpers import PASSWORD, Officials, action, create_sop


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123", True),
        ("7f3c2d1e-0b9a-4c8d-9e6f-5a4b3c2d1e0f", True),
        ("trace:42.a_b", True),
        ("", False),
        ("bad id", False),
        ('x"}{"level":"error', False),
        ("x" * 129, False),
        ("-starts-with-dash", False),
        ("line\nbreak", False),
    ],
)
def test_only_a_well_formed_request_id_is_kept(given: str, kept: bool) -> None:
    answer = accept_request_id(given)
    assert (answer == given) is kept
    assert 1 <= len(answer) <= 128


async def test_request_id_is_returned_given_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"X-Request-ID": "ops-check-1"})
    assert given.headers["x-request-id"] == "ops-check-1"
    made = await client.get("/healthz", headers={"X-Request-ID": "not well formed!"})
    other = await client.get("/healthz")
    assert made.headers["x-request-id"] != "not well formed!"
    assert len({made.headers["x-request-id"], other.headers["x-request-id"]}) == 2


async def test_audit_events_and_outbox_rows_carry_the_request_id(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    await client.post(
        "/api/v1/sops",
        json={"code": "SOP-RID-001", "template": "return_reintegration"},
        headers={**officials.facilitator.headers, "X-Request-ID": "create-rid-1"},
    )
    submitted = await client.post(
        "/api/v1/sops/SOP-RID-001/versions/1/actions/submit",
        headers={**officials.facilitator.headers, "X-Request-ID": "submit-rid-1"},
    )
    assert submitted.status_code == 200, submitted.text
    created = db.scalars(select(AuditEvent).where(AuditEvent.request_id == "create-rid-1")).all()
    assert [e.action for e in created] and all(e.sop_code == "SOP-RID-001" for e in created)
    submit_events = db.scalars(
        select(AuditEvent).where(AuditEvent.request_id == "submit-rid-1")
    ).all()
    assert submit_events
    outbox = db.scalars(select(WebhookEvent).where(WebhookEvent.request_id == "submit-rid-1")).all()
    assert {e.event_type for e in outbox} >= {"version.submitted"}
    # Events written outside a request (the CLI, the worker) have none.
    assert db.scalar(select(AuditEvent).where(AuditEvent.request_id.is_(None)).limit(1)) is not None


def _access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sopengine.access"]


async def test_one_access_line_per_request_with_route_template_and_official(
    client: httpx.AsyncClient, officials: Officials, caplog: pytest.LogCaptureFixture
) -> None:
    await create_sop(client, officials.facilitator, "SOP-LOG-001")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sopengine.access"):
        read = await client.get(
            "/api/v1/sops/SOP-LOG-001",
            headers={**officials.facilitator.headers, "X-Request-ID": "log-1"},
        )
    assert read.status_code == 200
    (record,) = _access_lines(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "info" and line["event"] == "request"
    assert line["request_id"] == "log-1"
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/sops/{code}"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["official_id"] == officials.facilitator.official.id
    assert line["time"].endswith("Z")
    human = HumanFormatter().format(record)
    assert "request_id=log-1" in human and "route=/api/v1/sops/{code}" in human


async def test_the_access_line_never_holds_a_secret(
    client: httpx.AsyncClient, officials: Officials, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="sopengine.access"):
        await client.post(
            "/api/v1/session",
            json={"email": officials.admin.official.email, "password": PASSWORD},
        )
        await client.get("/api/v1/me", headers=officials.admin.headers)
        await client.get("/invite/secret-invitation-token-value")
    lines = [JsonFormatter().format(r) for r in _access_lines(caplog)]
    assert len(lines) == 3
    text = "\n".join(lines)
    for secret in (PASSWORD, officials.admin.token, "secret-invitation-token-value", "csrf"):
        assert secret not in text
    assert '"route": "/invite/{token}"' in text


async def test_a_person_signed_in_by_session_is_the_official_of_its_requests(
    client: httpx.AsyncClient, officials: Officials, caplog: pytest.LogCaptureFixture
) -> None:
    signed = await client.post(
        "/api/v1/session", json={"email": officials.admin.official.email, "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    with caplog.at_level(logging.INFO, logger="sopengine.access"):
        assert (await client.get("/api/v1/me")).status_code == 200
        assert (await client.get("/")).status_code == 200
    officials_seen = [r.fields["official_id"] for r in _access_lines(caplog)]  # type: ignore[attr-defined]
    assert officials_seen == [officials.admin.official.id] * 2


async def test_a_failed_request_is_logged_with_its_status(
    client: httpx.AsyncClient, officials: Officials, caplog: pytest.LogCaptureFixture
) -> None:
    await create_sop(client, officials.facilitator, "SOP-LOG-002")
    with caplog.at_level(logging.INFO, logger="sopengine.access"):
        answer = await action(
            client, officials.facilitator, "apply", "SOP-LOG-002", effective_date="2027-01-01"
        )
    assert answer.status_code == 409, answer.text
    (record,) = _access_lines(caplog)
    assert record.fields["status"] == 409  # type: ignore[attr-defined]
    assert record.fields["route"] == "/api/v1/sops/{code}/versions/{number}/actions/{action}"  # type: ignore[attr-defined]
