"""GET of a version passes its content through as the database holds it: the answer is
what every other version response gives (``version_out``), Arabic included."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sopengine.api.representations import version_out
from sopengine.services import sops
from tests.helpers import Officials, bring_to, ok, sign, version_url


async def test_a_read_answers_what_version_out_gives(
    client, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "in_review")
    await ok(sign(client, officials, "MOI"))
    await ok(
        client.post(
            version_url() + "/comments",
            json={"anchor": "purpose", "body": "يرجى التوضيح"},
            headers=officials.reviewer["MOI"].headers,
        ),
        201,
    )
    for person in (officials.facilitator, officials.reviewer["MFA"], officials.signatory["MFA"]):
        r = await client.get(version_url(), headers=person.headers)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        db.expire_all()
        version = sops.get_version(db, "SOP-RR-001", 1)
        expected = version_out(db, version, person.official).model_dump(mode="json")
        assert r.json() == expected
        assert r.headers["ETag"] == expected["etag"]
    assert "ar" in r.json()["content"]["purpose"]
