"""A signature that asks who you are: re-authentication, method and meaning."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.models import SignInAttempt
from tests.helpers import PASSWORD, Officials, bring_to, make_system, sign, version_url

API = "/api/v1"


async def _hash(client, person) -> str:
    return (await client.get(version_url(), headers=person.headers)).json()["content_hash"]


async def test_a_person_signs_with_its_password_again(
    client, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "in_review")
    moi = officials.signatory["MOI"]
    signed_in = await client.post(
        f"{API}/session", json={"email": moi.official.email, "password": PASSWORD}
    )
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
    url = version_url() + "/signoffs/MOI"
    body = {"decision": "approve", "content_hash": await _hash(client, moi)}

    version = (await client.get(version_url())).json()
    assert version["signature"] == {
        "ministry": "MOI",
        "content_hash": body["content_hash"],
        "meaning": {
            "approve": {
                "en": "Approved on behalf of the Ministry of Interior",
                "ar": "تمت الموافقة نيابةً عن وزارة الداخلية",
            },
            "reject": {
                "en": "Rejected on behalf of the Ministry of Interior",
                "ar": "تم الرفض نيابةً عن وزارة الداخلية",
            },
        },
        "needs_password": True,
    }

    missing = await client.put(url, json=body, headers=csrf)
    assert missing.status_code == 403
    assert missing.json()["missing"] == "password" and '"password"' in missing.json()["detail"]
    wrong = await client.put(url, json={**body, "password": "not it at all"}, headers=csrf)
    assert wrong.status_code == 403
    assert wrong.json()["type"] == "/problems/reauthentication-failed"
    kept = db.scalars(
        select(SignInAttempt.succeeded).where(SignInAttempt.official_id == moi.official.id)
    ).all()
    assert kept == [True, False], "the failed check is kept although the request failed"

    done = await client.put(url, json={**body, "password": PASSWORD}, headers=csrf)
    assert done.status_code == 200, done.text
    history = (await client.get(version_url() + "/signoffs")).json()
    assert [(s["ministry"], s["method"], s["official"]["kind"]) for s in history] == [
        ("MOI", "password", "person")
    ]
    assert history[0]["meaning_ar"] == "تمت الموافقة نيابةً عن وزارة الداخلية"


async def test_a_persons_own_token_also_needs_the_password(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    mfa = officials.signatory["MFA"]
    body = {"decision": "approve", "content_hash": await _hash(client, mfa)}
    url = version_url() + "/signoffs/MFA"
    assert (await client.put(url, json=body, headers=mfa.headers)).status_code == 403
    r = await client.put(url, json={**body, "password": PASSWORD}, headers=mfa.headers)
    assert r.status_code == 200


async def test_wrong_signing_passwords_count_towards_the_lock(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    mfa = officials.signatory["MFA"]
    body = {"decision": "approve", "content_hash": await _hash(client, mfa)}
    url = version_url() + "/signoffs/MFA"
    for _ in range(5):
        r = await client.put(url, json={**body, "password": "guess again"}, headers=mfa.headers)
        assert r.status_code == 403
    locked = await client.put(url, json={**body, "password": PASSWORD}, headers=mfa.headers)
    assert locked.status_code == 403
    assert locked.json()["detail"] == "the password is not correct; the text was not signed"


async def test_a_systems_signoff_shows_as_the_ministrys_system(
    client, officials: Officials, db: Session
) -> None:
    system = make_system(db, "MOI case-management system", "MOI", ["signatory"])
    db.commit()
    await bring_to(client, officials, "in_review")
    body = {"decision": "approve", "content_hash": await _hash(client, system)}
    r = await client.put(version_url() + "/signoffs/MOI", json=body, headers=system.headers)
    assert r.status_code == 200, r.text
    position = next(s for s in r.json()["signoffs"] if s["ministry"] == "MOI")
    assert position["method"] == "token"
    assert position["official"] == {
        "id": system.official.id,
        "name": "MOI case-management system",
        "position": "System",
        "kind": "system",
    }
    assert (await sign(client, officials, "MFA")).status_code == 200
    exported = await client.get(
        version_url() + "/export.docx?lang=bilingual", headers=officials.facilitator.headers
    )
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(exported.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Signed by the ministry's system" in text and "وُقِّع عبر نظام الوزارة" in text
    assert "Signed in person, password re-entered" in text
