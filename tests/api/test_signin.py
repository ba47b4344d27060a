"""People: invitations, passwords, sessions, CSRF and the throttle, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.models import AuditEvent, Invitation, SignInAttempt, WebSession
from sopengine.main import create_app
from sopengine.services import passwords
from tests.helpers import PASSWORD, Officials

API = "/api/v1"
NEW_PERSON = {"name": "Layla Hassan", "email": "l.hassan@moi.gov.iq", "ministry": "MOI",
              "roles": ["drafter"]}  # fmt: skip
GOOD = "cedar window harbour 7"


async def invite(client: httpx.AsyncClient, officials: Officials, **body: object) -> dict:
    r = await client.post(
        f"{API}/officials", json={**NEW_PERSON, **body}, headers=officials.admin.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def accept(client: httpx.AsyncClient, link: str, password: str = GOOD, **more: object):
    return await client.post(
        f"{API}/invitations/{token_of(link)}/accept", json={"password": password, **more}
    )


async def sign_in(client: httpx.AsyncClient, email: str, password: str = GOOD):
    return await client.post(f"{API}/session", json={"email": email, "password": password})


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash check made, by what was checked against (a hash or the decoy)."""
    checks: list[str] = []
    real = passwords.verify

    def counting(settings, stored, password):
        checks.append("account" if stored else "decoy")
        return real(settings, stored, password)

    monkeypatch.setattr(passwords, "verify", counting)
    return checks


# --- invitations ------------------------------------------------------------------------


async def test_invitation_chooses_a_password_once(client, officials: Officials, db: Session):
    made = await invite(client, officials)
    link = made["invitation_url"]
    weak = {
        "short": "too short 1",
        "common": "passwordpassword",
        "the name": "layla hassan 2026!",
        "the e-mail": "l.hassan-at-work-99",
    }
    for why, password in weak.items():
        r = await accept(client, link, password)
        assert r.status_code == 422, why
        assert r.json()["errors"][0]["pointer"] == "#/password", why
    ok = await accept(client, link)
    assert ok.status_code == 200 and ok.json()["email"] == "l.hassan@moi.gov.iq"
    again = await accept(client, link)
    assert again.status_code == 410 and "already been used" in again.json()["detail"]
    tampered = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    assert (await accept(client, tampered)).status_code == 404
    stored = db.scalar(select(Invitation.token_hash).where(Invitation.official_id == made["id"]))
    assert token_of(link) not in stored, "the link is kept only as its hash"
    assert (await sign_in(client, "L.Hassan@MOI.gov.iq")).status_code == 200


async def test_expired_and_replaced_invitations_are_gone(client, officials: Officials, db: Session):
    made = await invite(client, officials)
    first = made["invitation_url"]
    r = await client.post(
        f"{API}/officials/{made['id']}/invitation", headers=officials.admin.headers
    )
    assert r.status_code == 201
    second = r.json()["invitation_url"]
    replaced = await accept(client, first)
    assert replaced.status_code == 410 and "replaced" in replaced.json()["detail"]
    row = db.scalar(select(Invitation).where(Invitation.revoked_at.is_(None)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    expired = await accept(client, second)
    assert expired.status_code == 410 and "expired" in expired.json()["detail"]


async def test_an_invitation_without_email_asks_for_one(client, officials: Officials):
    made = await invite(client, officials, email=None, name="No Mail")
    missing = await accept(client, made["invitation_url"])
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "#/email"
    given = await accept(client, made["invitation_url"], email="no.mail@mop.gov.iq")
    assert given.status_code == 200 and given.json()["email"] == "no.mail@mop.gov.iq"


async def test_reissuing_resets_the_password_and_signs_out_everywhere(
    client, officials: Officials, db: Session
):
    person = officials.drafter["MOI"]
    assert (await sign_in(client, person.official.email, PASSWORD)).status_code == 200
    r = await client.post(
        f"{API}/officials/{person.official.id}/invitation", headers=officials.admin.headers
    )
    assert r.status_code == 201
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0
    assert (await client.get(f"{API}/me")).status_code == 401
    assert (await sign_in(client, person.official.email, PASSWORD)).status_code == 401
    assert (await accept(client, r.json()["invitation_url"])).status_code == 200
    assert (await sign_in(client, person.official.email)).status_code == 200


# --- sessions ---------------------------------------------------------------------------


async def test_sign_in_sets_a_safe_cookie_kept_only_as_a_hash(
    client, officials: Officials, db: Session
):
    person = officials.reviewer["MFA"]
    r = await sign_in(client, person.official.email, PASSWORD)
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("sopengine_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    value = client.cookies["sopengine_session"]
    assert db.scalar(select(WebSession.id_hash)) != value
    me = await client.get(f"{API}/me")
    assert me.status_code == 200 and me.json()["id"] == person.official.id
    assert r.json()["official"]["id"] == person.official.id and r.json()["csrf_token"]


async def test_cookies_are_secure_behind_https(settings, session_factory, officials: Officials):
    app = create_app(
        settings.model_copy(update={"public_url": "https://sop.gov.iq"}), session_factory
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://sop.gov.iq"
    ) as c:
        r = await sign_in(c, officials.reviewer["MFA"].official.email, PASSWORD)
    assert r.status_code == 200 and "Secure" in r.headers["set-cookie"]


async def test_wrong_password_and_unknown_account_answer_alike(
    client, officials: Officials, monkeypatch: pytest.MonkeyPatch
):
    checks = count_checks(monkeypatch)
    wrong = await sign_in(client, officials.reviewer["MFA"].official.email, "not the password")
    unknown = await sign_in(client, "nobody@nowhere.gov.iq", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert {k: v for k, v in wrong.json().items() if k != "instance"} == {
        k: v for k, v in unknown.json().items() if k != "instance"
    }
    # Each costs exactly one hash check, so neither is faster: the unknown one against a decoy.
    assert checks == ["account", "decoy"]


async def test_lockout_after_five_failures_and_recovery(
    client, officials: Officials, db: Session, monkeypatch: pytest.MonkeyPatch
):
    email = officials.reviewer["MFA"].official.email
    for _ in range(5):
        assert (await sign_in(client, email, "wrong wrong wrong")).status_code == 401
    locked = await sign_in(client, email, PASSWORD)
    assert locked.status_code == 401
    assert locked.json()["detail"] == "the e-mail address or password is not correct"
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions.count("signin.failed") == 6 and actions.count("signin.locked") == 1
    # The window passes: the account opens again.
    for attempt in db.scalars(select(SignInAttempt)):
        attempt.attempted_at -= timedelta(minutes=16)
    db.commit()
    assert (await sign_in(client, email, PASSWORD)).status_code == 200


async def test_an_address_is_slowed_down_after_many_failures(
    client, officials: Officials, settings
):
    for i in range(settings.signin_address_max_failures):
        assert (await sign_in(client, f"guess{i}@nowhere.iq", "wrong wrong")).status_code == 401
    r = await sign_in(client, officials.reviewer["MFA"].official.email, PASSWORD)
    assert r.status_code == 429 and r.headers["retry-after"] == "900"


async def test_a_megabyte_password_is_refused_without_hashing(
    client, officials: Officials, monkeypatch: pytest.MonkeyPatch
):
    checks = count_checks(monkeypatch)
    email = officials.reviewer["MFA"].official.email
    huge = await client.post(f"{API}/session", json={"email": email, "password": "x" * 1_000_000})
    assert huge.status_code == 413
    long = await sign_in(client, email, "x" * 1000)
    assert long.status_code == 422 and long.json()["errors"][0]["pointer"] == "#/password"
    assert checks == []


async def test_csrf_guards_state_changes_made_with_a_session(client, officials: Officials):
    r = await sign_in(client, officials.facilitator.official.email, PASSWORD)
    csrf = r.json()["csrf_token"]
    body = {"code": "SOP-CSRF-1", "template": "return_reintegration"}
    missing = await client.post(f"{API}/sops", json=body)
    assert missing.status_code == 403 and "CSRF" in missing.json()["detail"]
    wrong = await client.post(f"{API}/sops", json=body, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    made = await client.post(f"{API}/sops", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    assert (await client.get(f"{API}/sops/SOP-CSRF-1")).status_code == 200, "reads need none"
    # A bearer token needs no CSRF token (and wins over a cookie).
    token = await client.post(
        f"{API}/sops",
        json={**body, "code": "SOP-CSRF-2"},
        headers=officials.facilitator.headers,
    )
    assert token.status_code == 201


async def test_a_session_id_set_before_sign_in_is_not_kept(client, officials: Officials):
    client.cookies.set("sopengine_session", "chosen-by-an-attacker", domain="sopengine.test")
    assert (await client.get(f"{API}/me")).status_code == 401
    r = await sign_in(client, officials.reviewer["MFA"].official.email, PASSWORD)
    assert r.status_code == 200
    assert client.cookies["sopengine_session"] != "chosen-by-an-attacker"
    async with httpx.AsyncClient(
        transport=client._transport, base_url="http://sopengine.test"
    ) as attacker:
        attacker.cookies.set("sopengine_session", "chosen-by-an-attacker", domain="sopengine.test")
        assert (await attacker.get(f"{API}/me")).status_code == 401


async def test_idle_and_absolute_timeouts(client, officials: Officials, db: Session):
    await sign_in(client, officials.reviewer["MFA"].official.email, PASSWORD)
    row = db.scalar(select(WebSession))
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    db.commit()
    assert (await client.get(f"{API}/me")).status_code == 401
    await sign_in(client, officials.reviewer["MFA"].official.email, PASSWORD)
    newest = db.scalar(select(WebSession).order_by(WebSession.id.desc()))
    newest.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert (await client.get(f"{API}/me")).status_code == 401


async def test_sign_out_and_sign_out_everywhere(client, officials: Officials, db: Session):
    email = officials.reviewer["MFA"].official.email
    first = (await sign_in(client, email, PASSWORD)).json()["csrf_token"]
    out = await client.delete(f"{API}/session", headers={"X-CSRF-Token": first})
    assert out.status_code == 204
    assert (await client.get(f"{API}/me")).status_code == 401
    other = httpx.AsyncClient(transport=client._transport, base_url="http://sopengine.test")
    async with other:
        await sign_in(other, email, PASSWORD)
        csrf = (await sign_in(client, email, PASSWORD)).json()["csrf_token"]
        assert db.scalar(select(func.count()).select_from(WebSession)) == 2
        everywhere = await client.delete(f"{API}/sessions", headers={"X-CSRF-Token": csrf})
        assert everywhere.status_code == 204
        assert (await other.get(f"{API}/me")).status_code == 401
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0


async def test_deactivation_ends_sessions_and_tokens_at_once(
    client, officials: Officials, db: Session
):
    person = officials.drafter["MOP"]
    await sign_in(client, person.official.email, PASSWORD)
    r = await client.patch(
        f"{API}/officials/{person.official.id}",
        json={"active": False},
        headers=officials.admin.headers,
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert (await client.get(f"{API}/me")).status_code == 401
    assert (await client.get(f"{API}/me", headers=person.headers)).status_code == 401
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0
    assert (await sign_in(client, person.official.email, PASSWORD)).status_code == 401


# --- tokens and passwords -------------------------------------------------------------------


async def test_a_person_issues_its_own_tokens_and_an_admin_cannot(client, officials: Officials):
    person = officials.drafter["MFA"]
    refused = await client.post(
        f"{API}/officials/{person.official.id}/tokens", headers=officials.admin.headers
    )
    assert refused.status_code == 403 and "ministries' systems" in refused.json()["detail"]
    by_token = await client.post(f"{API}/me/tokens", json={}, headers=person.headers)
    assert by_token.status_code == 403
    csrf = (await sign_in(client, person.official.email, PASSWORD)).json()["csrf_token"]
    made = await client.post(
        f"{API}/me/tokens", json={"label": "laptop"}, headers={"X-CSRF-Token": csrf}
    )
    assert made.status_code == 201, made.text
    new = made.json()
    assert new["token"].startswith(new["prefix"]) and new["label"] == "laptop"
    mine = (await client.get(f"{API}/me/tokens")).json()
    assert [t["label"] for t in mine] == ["", "laptop"] and all("token" not in t for t in mine)
    bearer = {"Authorization": f"Bearer {new['token']}"}
    assert (await client.get(f"{API}/me", headers=bearer)).status_code == 200
    gone = await client.delete(f"{API}/me/tokens/{new['id']}", headers={"X-CSRF-Token": csrf})
    assert gone.status_code == 200 and gone.json()["revoked_at"]
    assert (await client.get(f"{API}/me", headers=bearer)).status_code == 401
    other = officials.drafter["MOI"]
    assert (
        await client.delete(f"{API}/me/tokens/{new['id']}", headers=other.headers)
    ).status_code == 404


async def test_changing_the_password_needs_the_current_one(client, officials: Officials):
    person = officials.reviewer["MOLSA"]
    url = f"{API}/me/password"
    wrong = await client.put(
        url, json={"current_password": "guess guess", "new_password": GOOD}, headers=person.headers
    )
    assert wrong.status_code == 403
    weak = await client.put(
        url,
        json={"current_password": PASSWORD, "new_password": "password1234"},
        headers=person.headers,
    )
    assert weak.status_code == 422 and weak.json()["errors"][0]["pointer"] == "#/new_password"
    done = await client.put(
        url, json={"current_password": PASSWORD, "new_password": GOOD}, headers=person.headers
    )
    assert done.status_code == 204
    assert (await sign_in(client, person.official.email, PASSWORD)).status_code == 401
    assert (await sign_in(client, person.official.email, GOOD)).status_code == 200


async def test_a_hash_made_with_old_parameters_is_renewed_at_sign_in(
    client, officials: Officials, db: Session, settings
):
    from argon2 import PasswordHasher

    person = officials.reviewer["MOP"].official
    person.password_hash = PasswordHasher(time_cost=2, memory_cost=128, parallelism=1).hash(
        PASSWORD
    )
    db.commit()
    assert passwords.needs_rehash(settings, person.password_hash)
    assert (await sign_in(client, person.email, PASSWORD)).status_code == 200
    db.refresh(person)
    assert not passwords.needs_rehash(settings, person.password_hash)


async def test_no_password_ever_reaches_the_audit_log(client, officials: Officials, db: Session):
    made = await invite(client, officials)
    await accept(client, made["invitation_url"])
    await sign_in(client, made["email"], "a wrong one here")
    await sign_in(client, made["email"])
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-5:] == [
        "official.created",
        "invitation.issued",
        "invitation.accepted",
        "signin.failed",
        "signin.succeeded",
    ]
    for details in db.scalars(select(AuditEvent.details)):
        text = str(details)
        assert GOOD not in text and "a wrong one here" not in text
