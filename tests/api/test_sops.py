from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from sopengine.db.models import SopVersion
from tests.helpers import Officials, create_sop, loc, sample_content, sop_body

SOPS = "/api/v1/sops"


def text_pointers(value: Any, langs: list[str], at: str = "#") -> list[str]:
    """A pointer for each of ``langs`` in every localized text under ``value``."""
    if isinstance(value, dict) and set(value) == {"en", "ar"}:
        return [f"{at}/{lang}" for lang in langs]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in text_pointers(v, langs, f"{at}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in text_pointers(v, langs, f"{at}/{i}")]
    return []


def every_text(langs: list[str]) -> list[str]:
    """Pointers into the sample SOP's title and content: every text lacks or has extra ``langs``."""
    body = sop_body()
    return text_pointers({"title": body["title"], "content": body["content"]}, langs)


async def test_create_from_explicit_content(client, officials: Officials) -> None:
    r = await client.post(SOPS, json=sop_body(), headers=officials.drafter["MOMD"].headers)
    assert r.status_code == 201, r.text
    v = r.json()
    assert r.headers["location"] == "/api/v1/sops/SOP-RR-001/versions/1"
    assert r.headers["etag"] == v["etag"]
    assert v["sop_code"] == "SOP-RR-001" and v["number"] == 1 and v["state"] == "draft"
    assert v["required_ministries"] == ["MFA", "MOI", "MOMD"]
    assert v["content"]["procedure"][1]["steps"][0]["id"] == "S2.1"
    assert len(v["content_hash"]) == 64
    assert "edit" in v["available_actions"]


async def test_required_ministries_default_to_lead_and_procedure(
    client, officials: Officials
) -> None:
    body = sop_body()
    del body["required_ministries"]
    r = await client.post(SOPS, json=body, headers=officials.facilitator.headers)
    assert r.status_code == 201
    assert r.json()["required_ministries"] == ["MFA", "MOI", "MOMD"]


async def test_missing_required_ministries_are_named(client, officials: Officials) -> None:
    r = await client.post(
        SOPS, json=sop_body(required_ministries=["MOMD"]), headers=officials.facilitator.headers
    )
    assert r.status_code == 422
    assert "missing: MFA, MOI" in r.json()["detail"]


async def test_duplicate_code_is_409_and_nothing_half_written(client, officials: Officials) -> None:
    await create_sop(client, officials.facilitator)
    r = await client.post(SOPS, json=sop_body(), headers=officials.facilitator.headers)
    assert r.status_code == 409
    listing = (await client.get(SOPS, headers=officials.facilitator.headers)).json()
    assert [i["code"] for i in listing["items"]] == ["SOP-RR-001"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("facilitator", 201),
        ("drafter:MOMD", 201),
        ("drafter:MFA", 403),  # binds MFA but MOMD leads: only the lead's drafters create
        ("drafter:MOP", 403),
        ("reviewer:MOMD", 403),
        ("signatory:MOMD", 403),
        ("admin", 403),
    ],
)
async def test_who_may_create(client, officials: Officials, who: str, status: int) -> None:
    role, _, ministry = who.partition(":")
    person = getattr(officials, role)
    person = person[ministry] if ministry else person
    r = await client.post(SOPS, json=sop_body(), headers=person.headers)
    assert r.status_code == status, r.text


@pytest.mark.parametrize(
    ("change", "pointers"),
    [
        ({"code": "sop 1"}, ["#/code"]),
        ({"thematic_area": "tourism"}, ["#/thematic_area"]),
        ({"lead_ministry": "MOX"}, ["#/lead_ministry"]),
        # French is no language of the service, and every text then lacks it and has Arabic.
        ({"languages": ["en", "fr"]}, ["#/languages/1", *every_text(["fr", "ar"])]),
        (
            {"primary_language": "ar", "languages": ["en"]},
            ["#/primary_language", *every_text(["ar"])],
        ),
        ({"title": {"en": "Only English"}}, ["#/title/ar"]),
        ({"content": {**sample_content(), "purpose": {"en": "x"}}}, ["#/content/purpose/ar"]),
        ({"content": {**sample_content(), "unknown": 1}}, ["#/content/unknown"]),
        ({"content": {"scope": loc("a", "ب")}}, ["#/content/purpose"]),
        # XML cannot carry C0 controls: a Word export of the version would fail.
        (
            {"content": {**sample_content(), "purpose": loc("Return\x0bplan", "العودة")}},
            ["#/content/purpose/en"],
        ),
        ({"title": loc("Return", "العودة\x01")}, ["#/title/ar"]),
    ],
)
async def test_invalid_create_is_422_with_pointers(
    client, officials: Officials, change, pointers: list[str]
) -> None:
    r = await client.post(SOPS, json=sop_body(**change), headers=officials.facilitator.headers)
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == pointers


async def test_get_sop_and_version(client, officials: Officials) -> None:
    created = await create_sop(client, officials.facilitator)
    sop = (await client.get(f"{SOPS}/SOP-RR-001", headers=officials.reviewer["MOP"].headers)).json()
    assert (
        sop["code"] == "SOP-RR-001"
        and sop["lead_ministry"] == "MOMD"
        and sop["applied_version"] is None
    )
    assert [v["number"] for v in sop["versions"]] == [1]
    r = await client.get(f"{SOPS}/SOP-RR-001/versions/1", headers=officials.reviewer["MOP"].headers)
    assert r.status_code == 200 and r.headers["etag"] == created["etag"]
    assert r.json()["content_hash"] == created["content_hash"]
    assert r.json()["available_actions"] == []  # MOP is not bound: it reads, no comment


@pytest.mark.parametrize("path", ["/SOP-NONE", "/SOP-NONE/versions/1", "/SOP-RR-001/versions/9"])
async def test_unknown_is_404_problem(client, officials: Officials, path: str) -> None:
    await create_sop(client, officials.facilitator)
    r = await client.get(SOPS + path, headers=officials.facilitator.headers)
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"


async def test_list_filters_and_cursor_pagination(client, officials: Officials) -> None:
    fac = officials.facilitator.headers
    for i in range(5):
        await create_sop(client, officials.facilitator, f"SOP-RR-{i:03d}")
    body = sop_body(
        "SOP-LM-001",
        thematic_area="labour_migration",
        lead_ministry="MOLSA",
        required_ministries=["MFA", "MOI", "MOLSA", "MOMD"],
    )
    assert (await client.post(SOPS, json=body, headers=fac)).status_code == 201

    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(SOPS, params=params, headers=fac)).json()
        seen += [i["code"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"SOP-RR-{i:03d}" for i in range(5)] + ["SOP-LM-001"]

    def codes(params):
        return client.get(SOPS, params=params, headers=fac)

    assert [
        i["code"] for i in (await codes({"thematic_area": "labour_migration"})).json()["items"]
    ] == ["SOP-LM-001"]
    assert [i["code"] for i in (await codes({"ministry": "MOLSA"})).json()["items"]] == [
        "SOP-LM-001"
    ]
    assert len((await codes({"ministry": "MOI"})).json()["items"]) == 6
    assert (await codes({"ministry": "MOP"})).json()["items"] == []
    assert len((await codes({"state": "draft"})).json()["items"]) == 6
    assert (await codes({"state": "applied"})).json()["items"] == []
    item = (await codes({"thematic_area": "labour_migration"})).json()["items"][0]
    assert (
        item["latest_version"] == {"number": 1, "state": "draft"}
        and item["applied_version"] is None
    )
    assert item["title"]["ar"] == "العودة وإعادة الإدماج"


async def test_bad_cursor_is_400(client, officials: Officials) -> None:
    r = await client.get(SOPS, params={"cursor": "!!!"}, headers=officials.facilitator.headers)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


# --- editing ------------------------------------------------------------------------

CONTENT_URL = f"{SOPS}/SOP-RR-001/versions/1/content"


async def test_edit_needs_if_match(client, officials: Officials) -> None:
    await create_sop(client, officials.facilitator)
    r = await client.put(
        CONTENT_URL, json={"content": sample_content()}, headers=officials.drafter["MOMD"].headers
    )
    assert r.status_code == 428 and r.json()["type"] == "/problems/precondition-required"


async def test_edit_with_current_etag_then_stale_etag(client, officials: Officials) -> None:
    created = await create_sop(client, officials.facilitator)
    content = sample_content()
    content["scope"]["en"] = "Returns from EU member states and Switzerland."
    headers = {**officials.drafter["MOI"].headers, "If-Match": created["etag"]}
    r = await client.put(
        CONTENT_URL, json={"content": content, "change_summary": "Add Switzerland"}, headers=headers
    )
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["content"]["scope"]["en"].endswith("Switzerland.")
    assert edited["content_hash"] != created["content_hash"]
    assert edited["etag"] != created["etag"] and r.headers["etag"] == edited["etag"]
    assert edited["change_summary"] == "Add Switzerland"

    stale = await client.put(CONTENT_URL, json={"content": sample_content()}, headers=headers)
    assert stale.status_code == 412
    assert stale.json()["current_etag"] == edited["etag"]
    now = (await client.get(f"{SOPS}/SOP-RR-001/versions/1", headers=headers)).json()
    assert now["content_hash"] == edited["content_hash"], "the stale edit changed nothing"


async def test_edit_keeps_unsent_fields_and_validates(client, officials: Officials) -> None:
    created = await create_sop(client, officials.facilitator)
    headers = {**officials.facilitator.headers, "If-Match": created["etag"]}
    r = await client.put(CONTENT_URL, json={"title": loc("New", "جديد")}, headers=headers)
    assert r.status_code == 200 and r.json()["content"] == created["content"]
    headers["If-Match"] = r.json()["etag"]
    bad = sample_content()
    bad["procedure"][0]["actor"] = "MOP"
    r = await client.put(CONTENT_URL, json={"content": bad}, headers=headers)
    assert r.status_code == 422 and "missing: MOP" in r.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("facilitator", 200),
        ("drafter:MFA", 200),
        ("drafter:MOP", 403),
        ("reviewer:MOMD", 403),
        ("signatory:MOMD", 403),
        ("admin", 403),
    ],
)
async def test_who_may_edit(client, officials: Officials, who: str, status: int) -> None:
    created = await create_sop(client, officials.facilitator)
    role, _, ministry = who.partition(":")
    person = getattr(officials, role)
    person = person[ministry] if ministry else person
    headers = {**person.headers, "If-Match": created["etag"]}
    r = await client.put(CONTENT_URL, json={"title": loc("New", "جديد")}, headers=headers)
    assert r.status_code == status, r.text


async def test_only_drafts_are_editable(client, officials: Officials, db: Session) -> None:
    await create_sop(client, officials.facilitator)
    db.execute(update(SopVersion).values(state="in_review", row_version=SopVersion.row_version + 1))
    db.commit()
    current = (
        await client.get(f"{SOPS}/SOP-RR-001/versions/1", headers=officials.facilitator.headers)
    ).json()
    headers = {**officials.facilitator.headers, "If-Match": current["etag"]}
    r = await client.put(CONTENT_URL, json={"title": loc("New", "جديد")}, headers=headers)
    assert r.status_code == 409 and r.json()["state"] == "in_review"
