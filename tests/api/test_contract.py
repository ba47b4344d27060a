"""What the API answers matches what it documents: problem types per status, Allow, OpenAPI."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.models import SopVersion
from sopengine.errors import SopError
from tests.helpers import Officials, action, bring_to, get_version

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/sops", "GET, POST"),
        ("/api/v1/webhooks", "GET, POST"),
        ("/api/v1/webhooks/1", "DELETE, GET"),
        ("/api/v1/session", "DELETE, POST"),
        ("/api/v1/sops/SOP-X/versions/1/comments", "GET, POST"),
    ],
)
async def test_405_lists_every_allowed_method(
    client, officials: Officials, path: str, allowed: str
) -> None:
    r = await client.options(path, headers=officials.facilitator.headers)
    assert r.status_code == 405 and r.headers["allow"] == allowed
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "/problems/method-not-allowed"


@pytest.mark.parametrize("path", ["/readyz", "/metrics", "/healthz"])
async def test_an_undeclared_method_on_an_operations_path_is_a_405_problem(
    client, path: str
) -> None:
    # Not the pages' HTML 404: these are API paths (found by the fuzzer).
    r = await client.request("TRACE", path)
    assert r.status_code == 405
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "GET" in r.headers["allow"]


async def test_an_unexpected_error_is_a_problem_of_its_own_type(app) -> None:
    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/boom")
    assert r.status_code == 500 and r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "/problems/internal-error"
    assert "a bug" not in r.text


def test_every_status_has_its_own_problem_type() -> None:
    types = {s: SopError("x", status=s).type_uri for s in (400, 405, 406, 418, 500, 503, 599)}
    assert len(set(types.values())) == len(types), types
    assert types[405] == "/problems/method-not-allowed"
    assert types[503] == "/problems/service-unavailable"


async def test_openapi_documents_every_answer(client) -> None:
    document = (await client.get("/openapi.json")).json()
    operations = [
        (f"{method.upper()} {path}", op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    ]
    assert len(operations) > 30
    for name, op in operations:
        answers = op["responses"]
        assert "500" in answers, name
        for status, answer in answers.items():
            if status.startswith(("4", "5")):
                assert list(answer["content"]) == [PROBLEM], (name, status)
        if "requestBody" in op:
            assert {"400", "413", "422"} <= set(answers), name
        if op.get("parameters"):
            assert "422" in answers, name
        if op.get("security"):
            assert "401" in answers, name
    post_sops = document["paths"]["/api/v1/sops"]["post"]["responses"]
    assert "Malformed request body" in post_sops["400"]["description"]


@pytest.mark.parametrize(
    "url",
    [
        "http://224.0.0.1/hook",
        "http://233.252.0.1/hook",
        "http://[ff0e::1]/hook",
        "http://127.0.0.1:0/hook",
        "https://93.184.216.34:0/hook",
    ],
)
async def test_multicast_and_port_zero_webhooks_are_refused(
    client, officials: Officials, url: str
) -> None:
    r = await client.post(
        "/api/v1/webhooks",
        json={"url": url, "event_types": ["review.due"]},
        headers=officials.admin.headers,
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["pointer"] == "#/url"


async def test_an_sop_cannot_take_effect_before_its_endorsement(
    client, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "endorsed")
    endorsed = (utcnow() - timedelta(days=10)).replace(microsecond=0)
    db.execute(update(SopVersion).values(endorsed_at=endorsed))
    db.commit()
    day_before = (endorsed - timedelta(days=1)).date().isoformat()
    r = await action(client, officials.facilitator, "apply", effective_date=day_before)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"][0]["pointer"] == "#/effective_date"
    assert endorsed.date().isoformat() in problem["detail"]
    assert (await get_version(client, officials.facilitator))["state"] == "endorsed"

    same_day = endorsed.date().isoformat()
    r = await action(client, officials.facilitator, "apply", effective_date=same_day)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", ["0", "1000000000", "2027-1-1", "20270101"])
async def test_a_date_is_written_yyyy_mm_dd(client, officials: Officials, value: str) -> None:
    # Pydantic alone reads a number as seconds since 1970: the schema says format "date".
    r = await client.get(
        "/api/v1/sops", params={"review_due_before": value}, headers=officials.facilitator.headers
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["pointer"] == "query:review_due_before"


async def test_a_numeric_effective_date_is_refused(client, officials: Officials) -> None:
    await bring_to(client, officials, "endorsed")
    r = await action(client, officials.facilitator, "apply", effective_date=1900000000)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/effective_date"
