"""Managing officials: adding people and systems, links, tokens, deactivation; admins only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.helpers import Officials
from tests.web.pages import sign_in, text_of


@pytest.fixture
async def second_client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as c:
        yield c


@pytest.mark.parametrize("who", ["facilitator", "reviewer"])
async def test_only_admins_manage_officials(
    client, officials: Officials, db: Session, who: str
) -> None:
    person = officials.facilitator if who == "facilitator" else officials.reviewer["MOI"]
    csrf = await sign_in(client, person)
    target = officials.drafter["MOI"].official.id
    for path in ("/officials", "/officials/new", f"/officials/{target}"):
        r = await client.get(path)
        assert r.status_code == 403 and "managed by admins" in r.text, path
    r = await client.post(f"/officials/{target}/deactivate", data={"csrf_token": csrf})
    assert r.status_code == 403
    db.refresh(officials.drafter["MOI"].official)
    assert officials.drafter["MOI"].official.active


async def test_the_list_of_officials(client, officials: Officials, db: Session) -> None:
    await sign_in(client, officials.admin)
    officials.drafter["MFA"].official.password_hash = None
    db.commit()
    r = await client.get("/officials")
    assert r.status_code == 200
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", r.text, re.S)[1:]]
    moi = next(row for row in rows if row.startswith("Drafter MOI "))
    mfa = next(row for row in rows if row.startswith("Drafter MFA "))
    assert "Person Ministry of Interior Drafter Active Has a password" in moi
    assert "No password yet" in mfa
    assert any(row.startswith("Ada Admin") and "None (ICMPD) Admin" in row for row in rows)
    assert 'href="/officials/new"' in r.text


async def test_adding_a_person_gives_a_link_that_works(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.admin)
    form = await client.get("/officials/new")
    assert form.status_code == 200
    for field in ('id="name"', 'id="email"', 'id="ministry"', 'name="roles"', 'id="position"'):
        assert field in form.text
    r = await client.post(
        "/officials/new",
        data={
            "csrf_token": csrf,
            "kind": "person",
            "name": "Layla Signatory",
            "position": "Director General",
            "email": "layla@moi.test",
            "ministry": "MOI",
            "roles": ["signatory", "reviewer"],
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    link = re.search(r'value="(https?://[^"]+/invite/([^"]+))"', r.text)
    assert link, "the invitation link"
    invited = await client.get(f"/invite/{link.group(2)}")
    assert invited.status_code == 200 and "Welcome, Layla Signatory" in invited.text
    listed = text_of((await client.get("/officials")).text)
    assert "Layla Signatory" in listed and "Signatory, Reviewer" in listed


async def test_adding_a_system_shows_a_token_that_works(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.admin)
    r = await client.post(
        "/officials/new",
        data={
            "csrf_token": csrf,
            "kind": "system",
            "name": "MOI case management",
            "ministry": "MOI",
            "roles": "reviewer",
        },
    )
    assert r.status_code == 200, r.text
    assert "shown only now" in r.text and r.headers["cache-control"] == "no-store"
    token = re.search(r'value="(sope_[^"]+)"', r.text)
    assert token, "the token"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.status_code == 200 and me.json()["name"] == "MOI case management"


async def test_the_form_says_what_is_wrong_beside_each_field(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.admin)
    r = await client.post(
        "/officials/new",
        data={"csrf_token": csrf, "kind": "person", "name": "", "email": "nobody"},
    )
    assert r.status_code == 400
    assert 'class="error-summary"' in r.text
    assert 'href="#name"' in r.text and 'href="#email"' in r.text
    assert 'id="name-error"' in r.text and 'aria-invalid="true"' in r.text

    r = await client.post(
        "/officials/new",
        data={"csrf_token": csrf, "kind": "person", "name": "No Ministry", "roles": "drafter"},
    )
    assert r.status_code == 422
    assert 'href="#roles"' in r.text and "belong to a ministry" in r.text
    assert 'value="No Ministry"' in r.text

    r = await client.post(
        "/officials/new",
        data={"csrf_token": csrf, "kind": "system", "name": "A system", "roles": "reviewer"},
    )
    assert r.status_code == 422 and 'href="#ministry"' in r.text

    taken = officials.drafter["MOI"].official.email
    r = await client.post(
        "/officials/new",
        data={
            "csrf_token": csrf,
            "kind": "person",
            "name": "Twin",
            "email": taken,
            "ministry": "MOI",
            "roles": "reviewer",
        },
    )
    assert r.status_code == 409 and 'href="#email"' in r.text and "already exists" in r.text

    r = await client.post("/officials/new", data={"kind": "person", "name": "X", "roles": "admin"})
    assert r.status_code == 403


async def test_deactivating_ends_the_persons_session(
    client, second_client, officials: Officials
) -> None:
    drafter = officials.drafter["MOI"]
    await sign_in(second_client, drafter)
    assert (await second_client.get("/")).status_code == 200
    csrf = await sign_in(client, officials.admin)
    page = await client.get(f"/officials/{drafter.official.id}")
    assert page.status_code == 200
    assert f'href="/officials/{drafter.official.id}/deactivate"' in page.text
    confirm = await client.get(f"/officials/{drafter.official.id}/deactivate")
    assert confirm.status_code == 200
    assert "signed out everywhere at once" in text_of(confirm.text)
    refused = await client.post(f"/officials/{drafter.official.id}/deactivate")
    assert refused.status_code == 403

    r = await client.post(f"/officials/{drafter.official.id}/deactivate", data={"csrf_token": csrf})
    assert r.status_code == 303
    done = await client.get(r.headers["location"])
    assert "has been deactivated" in text_of(done.text) and "Reactivate" in done.text
    gone = await second_client.get("/")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/sign-in")
    assert (await client.get("/api/v1/sops", headers=drafter.headers)).status_code == 401

    r = await client.post(f"/officials/{drafter.official.id}/reactivate", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert "has been reactivated" in text_of((await client.get(r.headers["location"])).text)


async def test_an_admin_is_not_offered_to_deactivate_itself(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.admin)
    me = officials.admin.official.id
    page = await client.get(f"/officials/{me}")
    assert f"/officials/{me}/deactivate" not in page.text
    r = await client.post(f"/officials/{me}/deactivate", data={"csrf_token": csrf})
    assert r.status_code == 409
    assert (await client.get("/officials/999999")).status_code == 404
    assert (await client.get("/officials/abc")).status_code == 404


async def test_a_new_invitation_link_for_a_person(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.admin)
    person = officials.reviewer["MOP"].official
    page = await client.get(f"/officials/{person.id}")
    assert "clears the current password" in page.text
    assert f"/officials/{person.id}/tokens" not in page.text
    r = await client.post(f"/officials/{person.id}/invitation", data={"csrf_token": csrf})
    assert r.status_code == 200
    link = re.search(r'value="https?://[^"]+/invite/([^"]+)"', r.text)
    assert link and (await client.get(f"/invite/{link.group(1)}")).status_code == 200
    assert (await client.post(f"/officials/{person.id}/invitation")).status_code == 403


async def test_tokens_of_a_system_issued_and_revoked(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.admin)
    created = await client.post(
        "/officials/new",
        data={
            "csrf_token": csrf,
            "kind": "system",
            "name": "MFA registry",
            "ministry": "MFA",
            "roles": "signatory",
        },
    )
    first = re.search(r'value="(sope_[^"]+)"', created.text)
    back = re.search(r'href="/officials/(\d+)"', created.text)
    assert first and back
    system = back.group(1)
    page = await client.get(f"/officials/{system}")
    assert f"/officials/{system}/tokens" in page.text and "/invitation" not in page.text

    r = await client.post(f"/officials/{system}/tokens", data={"csrf_token": csrf})
    assert r.status_code == 200 and "shown only now" in r.text
    second = re.search(r'value="(sope_[^"]+)"', r.text)
    assert second and second.group(1) != first.group(1)
    assert (await client.post(f"/officials/{system}/tokens", data={})).status_code == 403

    r = await client.post(f"/officials/{system}/revoke-tokens", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert "API tokens revoked: 2." in text_of((await client.get(r.headers["location"])).text)
    for token in (first.group(1), second.group(1)):
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401
