"""Each official's e-mail address and notice preferences, who may set them, and the notices
kept while no mail server is configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.config import PROJECT_ROOT, Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Notice, Official
from sopengine.domain import notices as rules
from sopengine.services import notice_delivery, notices
from sopengine.services.housekeeping import housekeeping
from tests.helpers import Officials, action, create_sop, ok

MINE = "/api/v1/me/notice-settings"
INJECTION = "a@b.c\r\nBcc: x@y.z"


def settings_of(official_id: int) -> str:
    return f"/api/v1/officials/{official_id}/notice-settings"


@pytest.mark.parametrize(
    "address", [INJECTION, "a@b.c\nBcc: x@y.z", "Ada <a@b.c>", "a@b.c, x@y.z", "no-at-sign"]
)
async def test_an_address_with_a_header_injection_is_refused(
    client, officials: Officials, db: Session, address: str
) -> None:
    person = officials.drafter["MOI"]
    before = person.official.email
    for url, who in ((MINE, person), (settings_of(person.official.id), officials.admin)):
        r = await client.patch(url, json={"email": address}, headers=who.headers)
        assert r.status_code == 422, r.text
        assert [e["pointer"] for e in r.json()["errors"]] == ["#/email"]
    r = await client.post(
        "/api/v1/officials",
        json={"name": "Eve", "email": address, "roles": ["facilitator"]},
        headers=officials.admin.headers,
    )
    assert r.status_code == 422, r.text
    db.expire_all()
    assert db.get(Official, person.official.id).email == before
    assert db.scalar(select(func.count()).select_from(Official).where(Official.name == "Eve")) == 0


async def test_the_official_or_an_admin_sets_the_address_and_preferences(
    client, officials: Officials
) -> None:
    moi = officials.drafter["MOI"]
    mine = await ok(client.get(MINE, headers=moi.headers))
    assert mine["email"] == moi.official.email
    assert set(mine["preferences"]) == {k.value for k in rules.Kind}
    assert set(mine["preferences"].values()) == {"immediately"} and mine["fixed"] == []

    changed = await ok(
        client.patch(
            MINE,
            json={"email": "New.Address@moi.gov.iq", "preferences": {"review.due": "off"}},
            headers=moi.headers,
        )
    )
    assert changed["email"] == "new.address@moi.gov.iq"
    assert changed["preferences"]["review.due"] == "off"

    by_admin = await ok(
        client.patch(
            settings_of(moi.official.id),
            json={"preferences": {"comment.created": "digest"}},
            headers=officials.admin.headers,
        )
    )
    assert by_admin["preferences"]["comment.created"] == "digest"
    assert by_admin["email"] == "new.address@moi.gov.iq", "left out: kept"

    other = settings_of(moi.official.id)
    for stranger in (officials.reviewer["MOI"], officials.facilitator, officials.signatory["MOI"]):
        assert (await client.get(other, headers=stranger.headers)).status_code == 403
        r = await client.patch(other, json={"email": "x@moi.gov.iq"}, headers=stranger.headers)
        assert r.status_code == 403

    r = await client.patch(MINE, json={"email": None}, headers=moi.headers)
    assert r.status_code == 422, "a person signs in with it: never removed"

    taken = officials.drafter["MFA"].official.email
    r = await client.patch(MINE, json={"email": taken}, headers=moi.headers)
    assert r.status_code == 409


async def test_deadline_notices_cannot_be_turned_off_for_signatories(
    client, officials: Officials
) -> None:
    signatory = officials.signatory["MOI"]
    r = await client.patch(
        MINE, json={"preferences": {"signoff.deadline": "off"}}, headers=signatory.headers
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "#/preferences/signoff.deadline"
    shown = await ok(client.get(MINE, headers=signatory.headers))
    assert shown["fixed"] == ["signoff.deadline"]
    await ok(
        client.patch(
            MINE, json={"preferences": {"signoff.deadline": "digest"}}, headers=signatory.headers
        )
    )
    r = await client.patch(
        MINE,
        json={"preferences": {"signoff.deadline": "off"}},
        headers=officials.drafter["MOI"].headers,
    )
    assert r.status_code == 200, "a drafter may"
    r = await client.patch(
        MINE, json={"preferences": {"sop.exploded": "off"}}, headers=signatory.headers
    )
    assert r.status_code == 422


async def test_a_system_has_no_e_mail_settings(client, officials: Officials) -> None:
    system = await ok(
        client.post(
            "/api/v1/officials",
            json={
                "name": "MOI system",
                "kind": "system",
                "ministry": "MOI",
                "roles": ["signatory"],
            },
            headers=officials.admin.headers,
        ),
        201,
    )
    r = await client.patch(
        settings_of(system["id"]), json={"email": "sys@moi.gov.iq"}, headers=officials.admin.headers
    )
    assert r.status_code == 409


async def test_without_a_mail_server_notices_are_kept_and_listed_not_sent(
    client, officials: Officials, session_factory, settings: Settings
) -> None:
    assert not settings.smtp_host
    await ok(
        client.patch(
            MINE,
            json={"preferences": {"signoff.requested": "off"}},
            headers=officials.signatory["MFA"].headers,
        )
    )
    await create_sop(client, officials.facilitator)
    await ok(action(client, officials.drafter["MOMD"], "submit"))
    housekeeping(session_factory, settings)
    assert notice_delivery.drain_once(session_factory, settings) == 0

    page = await ok(client.get("/api/v1/notices", headers=officials.admin.headers))
    assert page["sending"] is False
    listed = {(n["official_id"], n["event_type"], n["status"]) for n in page["items"]}
    assert listed == {
        (officials.signatory[m].official.id, "signoff.requested", "pending")
        for m in ("MOI", "MOMD")
    }, "MFA's signatory turned these off"
    first = await ok(
        client.get("/api/v1/notices", params={"limit": 1}, headers=officials.admin.headers)
    )
    rest = await ok(
        client.get(
            "/api/v1/notices",
            params={"cursor": first["next_cursor"]},
            headers=officials.admin.headers,
        )
    )
    assert [n["id"] for n in first["items"] + rest["items"]] == [n["id"] for n in page["items"]]
    assert (
        await client.get("/api/v1/notices", headers=officials.facilitator.headers)
    ).status_code == 403


async def test_each_event_is_derived_once(
    client, officials: Officials, session_factory, settings: Settings
) -> None:
    await create_sop(client, officials.facilitator)
    await ok(action(client, officials.drafter["MOMD"], "submit"))
    with session_factory.begin() as s:
        assert notices.derive(s, settings, utcnow()) > 0
    with session_factory.begin() as s:
        assert notices.derive(s, settings, utcnow()) == 0
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Notice)) == 3


def test_the_readme_shows_the_table_of_who_gets_what() -> None:
    readme = Path(PROJECT_ROOT / "README.md").read_text("utf-8")
    assert rules.rules_table() in readme
