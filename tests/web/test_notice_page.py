"""The official's own e-mail notice settings page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.models import NoticePreference
from tests.helpers import Officials
from tests.web.pages import sign_in, text_of

PAGE = "/account/notices"


async def test_a_signatory_sets_its_own_notices(client, officials: Officials, db: Session) -> None:
    person = officials.signatory["MOI"]
    csrf = await sign_in(client, person)
    assert 'href="/account/notices"' in (await client.get("/account")).text
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert 'name="pref-comment.created" value="off"' in page.text
    assert 'name="pref-signoff.deadline" value="off"' not in page.text, "not offered"
    assert "Signatories always receive deadline notices." in text_of(page.text)

    r = await client.post(
        PAGE,
        data={
            "csrf_token": csrf,
            "email": "Layla.Hassan@moi.gov.iq",
            "pref-comment.created": "digest",
            "pref-version.applied": "off",
        },
    )
    assert r.status_code == 200, r.text
    assert "Your notice settings have been saved." in r.text
    assert 'name="pref-comment.created" value="digest" checked' in r.text
    db.expire_all()
    db.refresh(person.official)
    assert person.official.email == "layla.hassan@moi.gov.iq"
    chosen = {
        p.kind: p.mode
        for p in db.scalars(
            select(NoticePreference).where(NoticePreference.official_id == person.official.id)
        )
    }
    assert chosen == {"comment.created": "digest", "version.applied": "off"}


async def test_errors_are_shown_beside_their_fields(
    client, officials: Officials, db: Session
) -> None:
    person = officials.signatory["MOI"]
    before = person.official.email
    csrf = await sign_in(client, person)
    r = await client.post(
        PAGE,
        data={"csrf_token": csrf, "email": "a@b.c\r\nBcc: x@y.z", "pref-signoff.deadline": "off"},
    )
    assert r.status_code == 422
    assert 'href="#email"' in r.text and 'href="#pref-signoff.deadline"' in r.text
    assert 'aria-invalid="true" aria-describedby="email-error"' in r.text
    db.expire_all()
    db.refresh(person.official)
    assert person.official.email == before
    assert db.scalars(select(NoticePreference)).all() == [], "nothing half-written"


async def test_the_page_needs_the_csrf_token_and_speaks_arabic(
    client, officials: Officials
) -> None:
    await sign_in(client, officials.drafter["MOI"])
    r = await client.post(PAGE, data={"email": "x@moi.gov.iq"})
    assert r.status_code == 403
    client.cookies.set("sopengine_lang", "ar")
    page = await client.get(PAGE)
    assert "إشعارات البريد الإلكتروني" in page.text and "في ملخص واحد يومياً" in page.text
