from __future__ import annotations

import pytest

from tests.helpers import Officials

NEW = {
    "name": "Layla Hassan",
    "position": "Director",
    "email": "L.Hassan@moi.gov.iq",
    "ministry": "MOI",
    "roles": ["signatory"],
}


async def test_admin_creates_a_person_with_an_invitation(client, officials: Officials) -> None:
    r = await client.post("/api/v1/officials", json=NEW, headers=officials.admin.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (
        body["email"] == "l.hassan@moi.gov.iq"
        and body["ministry"] == "MOI"
        and body["roles"] == ["signatory"]
        and body["kind"] == "person"
    )
    assert body["token"] is None, "an admin never obtains a credential that acts as a person"
    assert body["invitation_url"].startswith("http://127.0.0.1:8000/invite/")


async def test_admin_creates_a_system_whose_token_works(client, officials: Officials) -> None:
    system = {"name": "MOI case-management system", "ministry": "MOI", "roles": ["signatory"]}
    r = await client.post(
        "/api/v1/officials", json={**system, "kind": "system"}, headers=officials.admin.headers
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "system" and body["invitation_url"] is None
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["id"] == body["id"] and me.json()["kind"] == "system"


@pytest.mark.parametrize("who", ["facilitator", "drafter", "reviewer", "signatory"])
async def test_only_admin_creates_officials(client, officials: Officials, who: str) -> None:
    person = getattr(officials, who)
    person = person["MOI"] if isinstance(person, dict) else person
    r = await client.post("/api/v1/officials", json=NEW, headers=person.headers)
    assert r.status_code == 403
    assert r.json()["type"] == "/problems/forbidden"


async def test_duplicate_email_is_409(client, officials: Officials) -> None:
    assert (
        await client.post("/api/v1/officials", json=NEW, headers=officials.admin.headers)
    ).status_code == 201
    again = {**NEW, "email": "l.hassan@MOI.gov.iq", "name": "Other"}
    r = await client.post("/api/v1/officials", json=again, headers=officials.admin.headers)
    assert r.status_code == 409


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"roles": []}, "#/roles"),
        ({"roles": ["king"]}, "#/roles/0"),
        ({"ministry": "XYZ"}, "#/ministry"),
        ({"ministry": None}, "#/roles"),
        ({"roles": ["facilitator"]}, "#/roles"),
        ({"roles": ["admin", "drafter"]}, "#/roles"),
        ({"email": "not-an-email"}, "#/email"),
        ({"name": ""}, "#/name"),
        ({"colour": "blue"}, "#/colour"),
    ],
)
async def test_invalid_officials_are_422_with_pointers(
    client, officials: Officials, change, pointer
) -> None:
    r = await client.post(
        "/api/v1/officials", json={**NEW, **change}, headers=officials.admin.headers
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["type"] == "/problems/validation-failed"
    assert [e["pointer"] for e in body["errors"]] == [pointer]


async def test_facilitator_without_ministry_is_fine(client, officials: Officials) -> None:
    body = {"name": "ICMPD Officer", "roles": ["facilitator"]}
    r = await client.post("/api/v1/officials", json=body, headers=officials.admin.headers)
    assert r.status_code == 201 and r.json()["ministry"] is None
