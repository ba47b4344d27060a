from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.models import ApiToken
from sopengine.services.officials import hash_token
from tests.helpers import Officials, make_system


async def test_no_token_is_401_problem(client) -> None:
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    body = r.json()
    assert body["status"] == 401 and body["type"] == "/problems/unauthorized"
    assert body["detail"] == (
        "sign in (POST /api/v1/session) or send an API token as 'Authorization: Bearer <token>'"
    )


async def test_bad_token_and_bad_scheme_are_401(client, officials: Officials) -> None:
    assert (
        await client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    ).status_code == 401
    basic = {"Authorization": f"Basic {officials.admin.token}"}
    assert (await client.get("/api/v1/me", headers=basic)).status_code == 401


async def test_token_is_stored_only_as_hash_and_use_is_recorded(
    client, officials: Officials, db: Session
) -> None:
    token = officials.admin.token
    rows = db.scalars(
        select(ApiToken).where(ApiToken.official_id == officials.admin.official.id)
    ).all()
    assert [row.token_hash for row in rows] == [hash_token(token)]
    assert token not in {row.prefix for row in rows} and rows[0].last_used_at is None
    assert re.fullmatch(r"sope_[A-Za-z0-9_-]{43}", token), "the prefix and 32 random bytes"

    before = utcnow()
    r = await client.get("/api/v1/me", headers=officials.admin.headers)
    assert r.status_code == 200
    db.expire_all()
    used = db.scalar(
        select(ApiToken.last_used_at).where(ApiToken.official_id == officials.admin.official.id)
    )
    assert used is not None and before <= used <= utcnow()


async def test_revoked_token_and_inactive_official_are_401(
    client, officials: Officials, db: Session
) -> None:
    drafter = officials.drafter["MOI"]
    row = db.scalar(select(ApiToken).where(ApiToken.official_id == drafter.official.id))
    row.revoked_at = utcnow()
    db.commit()
    r = await client.get("/api/v1/me", headers=drafter.headers)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]

    reviewer = officials.reviewer["MOI"]
    reviewer.official.active = False
    db.commit()
    assert (await client.get("/api/v1/me", headers=reviewer.headers)).status_code == 401


async def test_me(client, officials: Officials) -> None:
    r = await client.get("/api/v1/me", headers=officials.signatory["MOI"].headers)
    assert r.json() == {
        "id": officials.signatory["MOI"].official.id,
        "name": "Signatory MOI",
        "position": "Signatory (MOI)",
        "email": "signatory.moi@sop.test",
        "ministry": "MOI",
        "roles": ["signatory"],
        "kind": "person",
    }


async def test_ministries_are_seeded_in_both_languages(client, officials: Officials) -> None:
    r = await client.get("/api/v1/ministries", headers=officials.reviewer["MFA"].headers)
    assert r.status_code == 200
    by_code = {m["code"]: m["name"] for m in r.json()}
    assert set(by_code) == {"MFA", "MOI", "MOMD", "MOLSA", "MOP"}
    assert by_code["MOI"] == {"en": "Ministry of Interior", "ar": "وزارة الداخلية"}
    assert by_code["MOMD"]["ar"] == "وزارة الهجرة والمهجرين"


async def test_admin_revokes_and_reissues_tokens(client, officials: Officials, db: Session) -> None:
    person = make_system(db, "MOP planning system", "MOP", ["drafter"])
    db.commit()
    url = f"/api/v1/officials/{person.official.id}/tokens"
    assert (await client.delete(url, headers=officials.facilitator.headers)).status_code == 403
    r = await client.delete(url, headers=officials.admin.headers)
    assert r.status_code == 200 and r.json() == {"official_id": person.official.id, "revoked": 1}
    assert (await client.get("/api/v1/me", headers=person.headers)).status_code == 401
    fresh = await client.post(url, headers=officials.admin.headers)
    assert fresh.status_code == 201
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {fresh.json()['token']}"}
    )
    assert me.json()["id"] == person.official.id
    assert (
        await client.delete("/api/v1/officials/999999/tokens", headers=officials.admin.headers)
    ).status_code == 404


async def test_reissuing_a_token_is_idempotent_with_a_key(
    client, officials: Officials, db: Session
) -> None:
    person = make_system(db, "MOP planning system", "MOP", ["reviewer"])
    db.commit()
    url = f"/api/v1/officials/{person.official.id}/tokens"
    headers = {**officials.admin.headers, "Idempotency-Key": "reissue-1"}
    first = await client.post(url, headers=headers)
    again = await client.post(url, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["token"].startswith("sope_")
    assert again.json()["token"] is None and again.json()["withheld"] == ["token"]
    assert again.json()["token_id"] == first.json()["token_id"]
    rows = db.scalars(select(ApiToken).where(ApiToken.official_id == person.official.id)).all()
    assert len(rows) == 2, "the first token and exactly one reissued token"
