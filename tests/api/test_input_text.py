"""What a text may hold and how large a version may grow: characters a Word file cannot hold
are refused wherever a text comes in, and the content limits bound the work one SOP causes.
Both are 422 with a pointer to the field."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sopengine.domain.content import (
    MAX_STEP_INPUTS,
    MAX_STEP_OUTPUTS,
    MAX_STEPS,
    MAX_TEXT_CHARS,
)
from tests.helpers import Officials, Person, bring_to, create_sop, loc, sop_body, version_url
from tests.web.forms import fields, setting, submit
from tests.web.pages import sign_in

SOPS = "/api/v1/sops"
FORBIDDEN = ["\u0000", "\u0001", "\u0007", "\u000b", "\u000c", "\u001f", "\ufffe", "\uffff"]
LONE_SURROGATE = "\ud800"


async def send(
    client: httpx.AsyncClient, method: str, url: str, body: Any, person: Person, **headers: str
) -> httpx.Response:
    """JSON with every non-ASCII character escaped, so that a lone surrogate travels too."""
    return await client.request(
        method,
        url,
        content=json.dumps(body, ensure_ascii=True).encode(),
        headers={**person.headers, "Content-Type": "application/json", **headers},
    )


def pointers(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["pointer"] for e in response.json()["errors"]]


@pytest.mark.parametrize("char", [*FORBIDDEN, LONE_SURROGATE])
async def test_a_title_with_a_forbidden_character_is_refused(
    client, officials: Officials, char: str
) -> None:
    body = sop_body(title=loc(f"Return{char}", "العودة"))
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert pointers(r) == ["#/title/en"]
    if char != LONE_SURROGATE:  # which pydantic's JSON parser already refuses in its words
        assert f"U+{ord(char):04X}" in r.json()["errors"][0]["detail"]
    assert (
        await client.get(f"{SOPS}/SOP-RR-001", headers=officials.facilitator.headers)
    ).status_code == 404


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("purpose", "ar"), "#/content/purpose/ar"),
        (("procedure", 1, "steps", 0, "description", "en"), None),
        (("procedure", 0, "inputs", 0, "ar"), None),
        (("references", 0, "citation"), None),
        (("annexes", 0, "body", "en"), None),
    ],
)
async def test_every_content_field_nested_or_not_is_checked(
    client, officials: Officials, path: tuple[str | int, ...], where: str | None
) -> None:
    body = sop_body()
    node = body["content"]
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = node[path[-1]] + "\u0001"
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    expected = where or "#/content/" + "/".join(map(str, path))
    assert pointers(r) == [expected]


async def test_tabs_and_line_breaks_stay_allowed(client, officials: Officials) -> None:
    body = sop_body(title=loc("Return\tand\nreintegration\r", "العودة"))
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert r.status_code == 201, r.text


async def test_a_change_summary_with_a_bell_is_refused_and_nothing_is_made(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "applied")
    drafter = officials.drafter["MOMD"]
    r = await send(
        client, "POST", f"{SOPS}/SOP-RR-001/versions", {"change_summary": "fix\u0007"}, drafter
    )
    assert pointers(r) == ["#/change_summary"]
    sop = (await client.get(f"{SOPS}/SOP-RR-001", headers=drafter.headers)).json()
    assert [v["number"] for v in sop["versions"]] == [1]
    # The version in force still exports.
    exported = await client.get(f"{SOPS}/SOP-RR-001/export.docx", headers=drafter.headers)
    assert exported.status_code == 200


async def test_an_edit_with_a_bad_change_summary_changes_nothing(
    client, officials: Officials
) -> None:
    created = await create_sop(client, officials.facilitator)
    r = await send(
        client,
        "PUT",
        f"{version_url()}/content",
        {"title": loc("New", "جديد"), "change_summary": "fix\u0007"},
        officials.facilitator,
        **{"If-Match": created["etag"]},
    )
    assert pointers(r) == ["#/change_summary"]


def _cases() -> list[tuple[str, str, str, dict[str, Any], str]]:
    v = version_url()
    return [
        ("comment", "POST", f"{v}/comments", {"anchor": "scope", "body": "see\u0000"}, "#/body"),
        ("reason", "POST", f"{v}/actions/withdraw", {"reason": "old\u001b"}, "#/reason"),
        (
            "official",
            "POST",
            "/api/v1/officials",
            {"name": "Eve\u0008", "roles": ["facilitator"]},
            "#/name",
        ),
        (
            "position",
            "POST",
            "/api/v1/officials",
            {"name": "Eve", "position": "Head\ufffe", "roles": ["facilitator"]},
            "#/position",
        ),
        ("label", "POST", "/api/v1/me/tokens", {"label": "laptop\u000c"}, "#/label"),
        (
            "webhook",
            "POST",
            "/api/v1/webhooks",
            {"url": "https://hooks.example.org/\u0001", "event_types": ["version.endorsed"]},
            "#/url",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "method", "url", "body", "where"),
    _cases(),
    ids=lambda c: c if isinstance(c, str) and c.isalpha() else "",
)
async def test_every_text_the_api_accepts_is_checked(
    client, officials: Officials, name: str, method: str, url: str, body: dict[str, Any], where: str
) -> None:
    await create_sop(client, officials.facilitator)
    who = (
        officials.admin
        if name in ("official", "position", "webhook", "label")
        else officials.facilitator
    )
    r = await send(client, method, url, body, who)
    assert pointers(r) == [where]


async def test_a_sign_off_comment_is_checked(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    signatory = officials.signatory["MOI"]
    version = (await client.get(version_url(), headers=signatory.headers)).json()
    body = {
        "decision": "reject",
        "content_hash": version["content_hash"],
        "comment": "no\u0007",
        "password": "whatever it is",
    }
    r = await send(client, "PUT", f"{version_url()}/signoffs/MOI", body, signatory)
    assert pointers(r) == ["#/comment"]


# --- the pages: the same rule, the problem beside its field --------------------------------


async def test_the_edit_page_puts_the_problem_beside_the_field(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    await sign_in(client, officials.drafter["MOMD"])
    url = "/sops/SOP-RR-001/versions/1/edit"
    html = (await client.get(url)).text
    # The content's structure is checked first, then the text's rules: two saves.
    pairs = setting(fields(html), content__scope__en="Returns\u0001")
    response = await submit(client, url, [*pairs, ("op", "save")])
    assert response.status_code == 422
    assert '<p class="field-error" id="content-scope-en-error">' in response.text
    pairs = setting(fields(html), title__ar="العودة\u000b", change_summary="fix\u0007")
    response = await submit(client, url, [*pairs, ("op", "save")])
    assert response.status_code == 422
    for field in ("title-ar", "change_summary"):
        assert f'<p class="field-error" id="{field}-error">' in response.text


async def test_the_withdraw_page_puts_the_problem_beside_the_reason(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    csrf = await sign_in(client, officials.signatory["MOMD"])
    url = "/sops/SOP-RR-001/versions/1/action/withdraw"
    response = await submit(client, url, [("csrf_token", csrf), ("reason", "gone\u0007")])
    assert response.status_code == 422
    assert "U+0007" in response.text


async def test_the_revise_page_puts_the_problem_beside_the_change_summary(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "applied")
    csrf = await sign_in(client, officials.drafter["MOMD"])
    url = "/sops/SOP-RR-001/revise"
    response = await submit(client, url, [("csrf_token", csrf), ("change_summary", "fix\u0007")])
    assert response.status_code == 422
    assert '<p class="field-error" id="change_summary-error">' in response.text
    assert "U+0007" in response.text


# --- the limits ----------------------------------------------------------------------------


def _steps(count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"S{i}", "actor": "MOMD", "title": loc(f"Step {i}", f"خطوة {i}")}
        for i in range(1, count + 1)
    ]


async def test_the_largest_procedure_is_accepted_one_more_step_is_not(
    client, officials: Officials
) -> None:
    body = sop_body()
    body["content"]["procedure"] = _steps(MAX_STEPS - 1)
    body["content"]["procedure"][0]["steps"] = [
        {"id": "N1", "actor": "MOMD", "title": loc("Nested", "متداخلة")}
    ]
    body["required_ministries"] = ["MOMD"]
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert r.status_code == 201, r.text[:500]

    body["code"] = "SOP-RR-002"
    body["content"]["procedure"][0]["steps"].append(
        {"id": "N2", "actor": "MOMD", "title": loc("Nested", "متداخلة")}
    )
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert pointers(r) == ["#/content/procedure"]
    assert f"at most {MAX_STEPS} steps" in r.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("name", "limit"), [("inputs", MAX_STEP_INPUTS), ("outputs", MAX_STEP_OUTPUTS)]
)
async def test_a_step_has_a_bounded_number_of_inputs_and_outputs(
    client, officials: Officials, name: str, limit: int
) -> None:
    body = sop_body()
    body["content"]["procedure"][0][name] = [loc("x", "س")] * limit
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert r.status_code == 201, r.text[:500]
    body["code"] = "SOP-RR-002"
    body["content"]["procedure"][0][name].append(loc("x", "س"))
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert pointers(r) == [f"#/content/procedure/0/{name}"]


async def test_a_text_is_bounded(client, officials: Officials) -> None:
    body = sop_body()
    body["content"]["scope"]["en"] = "a" * MAX_TEXT_CHARS
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert r.status_code == 201, r.text[:500]
    body["code"] = "SOP-RR-002"
    body["content"]["scope"]["en"] += "a"
    r = await send(client, "POST", SOPS, body, officials.facilitator)
    assert pointers(r) == ["#/content/scope/en"]
