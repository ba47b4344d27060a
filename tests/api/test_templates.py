from __future__ import annotations

from pathlib import Path

import pytest

from sopengine.domain.content import THEMATIC_AREAS, VersionText, check_version_text
from sopengine.services.templates import list_templates
from tests.helpers import MINISTRIES, Officials


def test_every_template_is_valid_and_every_area_has_one(templates_dir: Path) -> None:
    templates = list_templates(templates_dir)
    assert {t.thematic_area for t in templates} == set(THEMATIC_AREAS)
    for t in templates:
        text = VersionText(
            t.title, t.languages, t.primary_language, t.required_ministries, t.content
        )
        assert (
            check_version_text(text, lead_ministry=t.lead_ministry, known_ministries=MINISTRIES)
            == []
        ), t.name
        assert set(t.languages) == {"en", "ar"}
        assert len(t.content.procedure) >= 5, t.name
        assert any(step.steps for step in t.content.procedure), f"{t.name} has no nested steps"


async def test_list_and_get_templates(client, officials: Officials) -> None:
    r = await client.get("/api/v1/templates", headers=officials.reviewer["MOI"].headers)
    assert r.status_code == 200
    names = {t["name"] for t in r.json()}
    assert names == {
        "asylum_refugees",
        "border_management",
        "irregular_migration",
        "labour_migration",
        "migration_development",
        "return_reintegration",
        "whole_of_government",
    }
    one = await client.get(
        "/api/v1/templates/border_management", headers=officials.reviewer["MOI"].headers
    )
    assert one.status_code == 200
    body = one.json()
    assert body["content"]["procedure"][0]["title"] == {
        "en": "Risk analysis and pre-arrival information",
        "ar": "تحليل المخاطر والمعلومات المسبقة عن الوصول",
    }
    assert body["lead_ministry"] == "MOI"


@pytest.mark.parametrize(
    "name",
    [
        "nope",
        "../pyproject",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2fREADME",
        "BORDER_MANAGEMENT",
        "border_management.json",
        "a" * 65,
    ],
)
async def test_unknown_and_traversal_names_are_404(client, officials: Officials, name: str) -> None:
    r = await client.get(f"/api/v1/templates/{name}", headers=officials.reviewer["MOI"].headers)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/problem+json"


async def test_create_sop_from_template(client, officials: Officials) -> None:
    body = {"code": "SOP-BM-001", "template": "border_management"}
    r = await client.post("/api/v1/sops", json=body, headers=officials.facilitator.headers)
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["state"] == "draft" and v["languages"] == ["en", "ar"]
    sop = (
        await client.get("/api/v1/sops/SOP-BM-001", headers=officials.facilitator.headers)
    ).json()
    assert sop["thematic_area"] == "border_management"


async def test_template_restricted_to_one_language(client, officials: Officials) -> None:
    body = {"code": "SOP-RR-AR", "template": "return_reintegration", "languages": ["ar"]}
    r = await client.post("/api/v1/sops", json=body, headers=officials.facilitator.headers)
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["primary_language"] == "ar" and set(v["title"]) == {"ar"}
    assert set(v["content"]["purpose"]) == {"ar"}


async def test_unknown_template_on_create_is_404(client, officials: Officials) -> None:
    r = await client.post(
        "/api/v1/sops",
        json={"code": "SOP-X-1", "template": "../etc"},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 404
