"""API tokens over their life: refused ones limited per address, logged and audited without the
token, one answer for every refusal, expiry, revoking one by id, and officials deactivated and
reactivated over the API."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import ApiToken, AuditEvent
from sopengine.services.officials import INVALID_TOKEN, hash_token
from tests.helpers import PASSWORD, Officials, make_system

ME = "/api/v1/me"
READS = pytest.mark.parametrize(
    "path", [ME, "/api/v1/sops/SOP-RR-001/versions/1"], ids=["me", "version-read"]
)
"""The general dependency path, and the version read's own (``access.token_identity``):
the token is checked before anything is looked up, so the version need not exist."""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def events(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@READS
async def test_failed_tokens_from_one_address_are_limited(
    client: httpx.AsyncClient, officials: Officials, settings: Settings, db: Session, path: str
) -> None:
    limit = settings.signin_address_max_failures
    guesses = [f"sope_guess{i:04d}" for i in range(limit)]
    for guess in guesses:
        r = await client.get(path, headers=bearer(guess))
        assert r.status_code == 401 and r.json()["detail"] == INVALID_TOKEN
    r = await client.get(path, headers=bearer("sope_one-more"))
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) == settings.signin_lock_minutes * 60
    # Within the window even a real token from that address waits: a guess that happens to be
    # right must look like any other.
    assert (await client.get(path, headers=officials.admin.headers)).status_code == 429
    refused = events(db, "token.refused")
    assert len(refused) == limit, "refusals over the limit are neither recorded nor audited"
    assert {e.details["reason"] for e in refused} == {"unknown"}
    assert {e.details["address"] for e in refused} == {"127.0.0.1"}
    stored = json.dumps([e.details for e in refused])
    assert not any(guess in stored for guess in guesses) and "sope_" not in stored


@READS
async def test_every_refused_token_gets_the_same_answer_and_the_reason_is_audited(
    client: httpx.AsyncClient,
    officials: Officials,
    db: Session,
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    revoked = make_system(db, "MOI old system", "MOI", ["reviewer"])
    expired = make_system(db, "MFA old system", "MFA", ["reviewer"])
    deactivated = make_system(db, "MOP old system", "MOP", ["reviewer"])
    now = utcnow()
    db.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == hash_token(revoked.token))
        .values(revoked_at=now)
    )
    db.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == hash_token(expired.token))
        .values(expires_at=now - timedelta(seconds=1))
    )
    deactivated.official.active = False
    db.commit()

    caplog.set_level(logging.WARNING, "sopengine")
    answers = []
    for token in ("sope_never-issued", revoked.token, expired.token, deactivated.token):
        r = await client.get(path, headers=bearer(token))
        assert r.status_code == 401
        answers.append(r.json()["detail"])
    assert answers == [INVALID_TOKEN] * 4
    reasons = [e.details["reason"] for e in events(db, "token.refused")]
    assert reasons == ["unknown", "revoked", "expired", "deactivated"]
    logged = caplog.text
    assert "API token refused from 127.0.0.1: expired" in logged
    for secret in (revoked.token, expired.token, deactivated.token, "sope_never-issued"):
        assert secret not in logged


async def test_a_token_may_expire(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    system = make_system(db, "MOLSA labour system", "MOLSA", ["reviewer"])
    db.commit()
    url = f"/api/v1/officials/{system.official.id}/tokens"
    admin = officials.admin.headers
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    r = await client.post(url, json={"expires_at": past}, headers=admin)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/expires_at"
    r = await client.post(url, json={"expires_at": "2030-01-01T00:00:00"}, headers=admin)
    assert r.status_code == 422, "a time without its zone is refused"

    soon = utcnow() + timedelta(hours=1)
    issued = await client.post(
        url, json={"label": "nightly", "expires_at": soon.isoformat()}, headers=admin
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    assert (await client.get(ME, headers=bearer(token))).status_code == 200
    listed = (await client.get(url, headers=admin)).json()
    mine = next(t for t in listed if t["id"] == issued.json()["token_id"])
    assert mine["label"] == "nightly" and mine["expires_at"] is not None

    db.execute(
        update(ApiToken)
        .where(ApiToken.id == issued.json()["token_id"])
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
    assert (await client.get(ME, headers=bearer(token))).status_code == 401


async def test_a_persons_own_token_may_expire(
    client: httpx.AsyncClient, officials: Officials
) -> None:
    person = officials.drafter["MOI"]
    r = await client.post(
        "/api/v1/session", json={"email": person.official.email, "password": PASSWORD}
    )
    csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
    soon = (utcnow() + timedelta(days=30)).isoformat()
    r = await client.post(
        "/api/v1/me/tokens", json={"label": "laptop", "expires_at": soon}, headers=csrf
    )
    assert r.status_code == 201 and r.json()["expires_at"] is not None


async def test_one_token_is_revoked_by_id_the_others_keep_working(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    system = make_system(db, "MOMD case system", "MOMD", ["reviewer"])
    other = make_system(db, "MFA visa system", "MFA", ["reviewer"])
    db.commit()
    admin = officials.admin.headers
    url = f"/api/v1/officials/{system.official.id}/tokens"
    second = (await client.post(url, headers=admin)).json()
    first_id = db.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(system.token)))

    r = await client.delete(f"{url}/{first_id}", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert (await client.get(ME, headers=bearer(system.token))).status_code == 401
    assert (await client.get(ME, headers=bearer(second["token"]))).status_code == 200
    other_id = db.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(other.token)))
    r = await client.delete(f"{url}/{other_id}", headers=admin)
    assert r.status_code == 404, "a token is revoked only through its own official"
    assert (await client.get(ME, headers=bearer(other.token))).status_code == 200
    revoked = events(db, "token.revoked")
    assert revoked[-1].details == {"official_id": system.official.id, "token_id": first_id}


async def test_deactivating_over_the_api_ends_tokens_and_sessions_reactivating_restores_neither(
    client: httpx.AsyncClient, officials: Officials, db: Session, app
) -> None:
    person = officials.reviewer["MFA"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as browser:
        signed = await browser.post(
            "/api/v1/session", json={"email": person.official.email, "password": PASSWORD}
        )
        assert signed.status_code == 200
        assert (await browser.get(ME)).status_code == 200

        url = f"/api/v1/officials/{person.official.id}"
        admin = officials.admin.headers
        r = await client.patch(url, json={"active": False}, headers=admin)
        assert r.status_code == 200 and r.json()["active"] is False
        assert (await client.get(ME, headers=person.headers)).status_code == 401
        assert (await browser.get(ME)).status_code == 401

        r = await client.patch(url, json={"active": True}, headers=admin)
        assert r.status_code == 200 and r.json()["active"] is True
        assert (await client.get(ME, headers=person.headers)).status_code == 401
        again = await browser.post(
            "/api/v1/session", json={"email": person.official.email, "password": PASSWORD}
        )
        assert again.status_code == 200, "a reactivated person signs in again"
    assert [e.action for e in events(db, "official.deactivated")] == ["official.deactivated"]
    assert [e.action for e in events(db, "official.activated")] == ["official.activated"]


async def test_a_403_is_logged_and_audited(
    client: httpx.AsyncClient, officials: Officials, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    reviewer = officials.reviewer["MOI"]
    caplog.set_level(logging.WARNING, "sopengine")
    r = await client.post(
        "/api/v1/officials", json={"name": "Me Again", "roles": ["admin"]}, headers=reviewer.headers
    )
    assert r.status_code == 403
    denied = events(db, "access.denied")
    assert len(denied) == 1
    assert denied[0].details["official_id"] == reviewer.official.id
    assert denied[0].details["path"] == "/api/v1/officials"
    assert denied[0].details["method"] == "POST"
    assert f"403 for official {reviewer.official.id}" in caplog.text
    assert reviewer.token not in caplog.text and reviewer.token not in json.dumps(denied[0].details)
