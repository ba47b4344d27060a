"""Bad input gets an RFC 9457 problem (4xx), never a 500, never a half-written record."""

from __future__ import annotations

import base64
import json

import pytest

from tests.helpers import Officials, create_sop, sop_body

PROBLEM = "application/problem+json"


async def count_sops(client, officials: Officials) -> int:
    return len(
        (await client.get("/api/v1/sops", headers=officials.facilitator.headers)).json()["items"]
    )


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"{not json", "Expecting property name enclosed in double quotes"),
        (b'{"code": "SOP-1",', "Expecting property name enclosed in double quotes"),
        (b"\xff\xfe", "Expecting value"),
        (b"[1, 2", "Expecting ',' delimiter"),
    ],
)
async def test_malformed_json_is_400(client, officials: Officials, raw: bytes, why: str) -> None:
    headers = {**officials.facilitator.headers, "Content-Type": "application/json"}
    r = await client.post("/api/v1/sops", content=raw, headers=headers)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert problem["type"] == "/problems/malformed-body"
    assert problem["detail"] == f"the body is not valid JSON: {why}"
    assert await count_sops(client, officials) == 0


async def test_wrong_json_type_is_422(client, officials: Officials) -> None:
    r = await client.post("/api/v1/sops", json=[1, 2], headers=officials.facilitator.headers)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM


async def test_body_over_limit_is_413(client, officials: Officials, settings) -> None:
    body = sop_body()
    body["content"]["annexes"] = [
        {"title": {"en": "A", "ar": "أ"}, "body": {"en": "x" * 19_000, "ar": "ب" * 19_000}}
    ] * 3
    raw = json.dumps(body).encode()
    assert len(raw) > settings.max_body_bytes
    r = await client.post(
        "/api/v1/sops",
        content=raw,
        headers={**officials.facilitator.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "/problems/payload-too-large"
    assert await count_sops(client, officials) == 0


async def test_chunked_body_over_limit_is_413(client, officials: Officials, settings) -> None:
    chunk = b" " * 8192

    async def stream():
        yield b'{"code": "SOP-X-1", "pad": "'
        for _ in range(settings.max_body_bytes // len(chunk) + 2):
            yield chunk
        yield b'"}'

    headers = {**officials.facilitator.headers, "Content-Type": "application/json"}
    r = await client.post("/api/v1/sops", content=stream(), headers=headers)
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


async def test_unknown_route_and_method_are_problems(client, officials: Officials) -> None:
    r = await client.get("/api/v1/nothing-here", headers=officials.facilitator.headers)
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    r = await client.delete("/api/v1/ministries", headers=officials.facilitator.headers)
    assert r.status_code == 405 and r.headers["content-type"] == PROBLEM


async def test_bad_path_and_query_parameters_are_422(client, officials: Officials) -> None:
    r = await client.get("/api/v1/sops/SOP-1/versions/zero", headers=officials.facilitator.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"].startswith("path:")
    r = await client.get("/api/v1/sops", params={"limit": 0}, headers=officials.facilitator.headers)
    assert r.status_code == 422


async def test_openapi_documents_problems_and_examples(client) -> None:
    spec = (await client.get("/openapi.json")).json()
    post = spec["paths"]["/api/v1/sops"]["post"]
    assert {"401", "403", "409", "422"} <= set(post["responses"])
    assert PROBLEM in post["responses"]["409"]["content"]
    schema = spec["components"]["schemas"]["SopCreate"]
    assert schema["examples"][0]["code"] == "SOP-RR-001"
    assert (await client.get("/docs")).status_code == 200


TOO_BIG = "Input should be less than or equal to 2147483647"


@pytest.mark.parametrize(
    ("method", "path", "body", "pointer", "detail"),
    [
        ("get", "/api/v1/webhooks/99999999999999999999", None, "path:webhook_id", TOO_BIG),
        (
            "delete",
            "/api/v1/officials/99999999999999999999/tokens",
            None,
            "path:official_id",
            TOO_BIG,
        ),
        (
            "patch",
            "/api/v1/sops/SOP-RR-001/versions/1/comments/99999999999999999999",
            {"resolved": True},
            "path:comment_id",
            TOO_BIG,
        ),
        (
            "post",
            "/api/v1/sops/SOP-RR-001/versions/1/comments",
            {"anchor": "scope", "body": "x", "parent_id": 99999999999999999999},
            "#/parent_id",
            TOO_BIG,
        ),
        (
            "post",
            "/api/v1/sops/SOP-RR-001/versions/1/actions/apply",
            {"effective_date": "9999-06-01"},
            "#/effective_date",
            "Input should be less than or equal to 2999-12-31",
        ),
        (
            "post",
            "/api/v1/webhooks",
            {"url": "http://[::1/", "event_types": ["review.due"]},
            "#/url",
            "not a valid URL: Invalid IPv6 URL",
        ),
    ],
)
async def test_out_of_range_input_is_422_not_500(
    client, officials: Officials, method: str, path: str, body, pointer: str, detail: str
) -> None:
    await create_sop(client, officials.facilitator)
    headers = (
        officials.admin.headers
        if "officials" in path or "webhooks" in path
        else officials.facilitator.headers
    )
    r = await client.request(method.upper(), path, json=body, headers=headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["errors"] == [{"pointer": pointer, "detail": detail}]


async def test_forged_cursor_is_400(client, officials: Officials) -> None:
    for raw in (b'{"after": true}', b'{"after": -1}', b'{"offset": 1e9}', b"[]"):
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        r = await client.get(
            "/api/v1/sops", params={"cursor": cursor}, headers=officials.facilitator.headers
        )
        assert r.status_code == 400, raw


async def test_version_lock_needs_a_valid_token_first(client, officials: Officials) -> None:
    await create_sop(client, officials.facilitator)
    for code in ("SOP-RR-001", "SOP-NOPE"):
        r = await client.post(f"/api/v1/sops/{code}/versions/1/actions/submit")
        assert r.status_code == 401, "nothing is loaded, locked or revealed before authentication"
