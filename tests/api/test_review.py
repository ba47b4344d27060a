"""Sign-off bound to the content hash, the whole life of an SOP, revisions and deadlines."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sopengine.db.models import AuditEvent, SopVersion
from tests.helpers import (
    MINISTRIES,
    Officials,
    action,
    bring_to,
    create_sop,
    get_version,
    ok,
    sample_content,
    sign,
    version_url,
)

FIVE = {"MFA", "MOI", "MOMD", "MOLSA", "MOP"}


def positions(version: dict) -> dict[str, str]:
    return {s["ministry"]: s["status"] for s in version["signoffs"]}


async def test_whole_life_over_http(client, officials: Officials, db: Session) -> None:
    fac, drafter, lead = (
        officials.facilitator,
        officials.drafter["MOMD"],
        officials.signatory["MOMD"],
    )
    content = sample_content()
    content["procedure"][0]["supporting"] = ["MOMD", "MOLSA", "MOP"]
    await create_sop(client, drafter, content=content, required_ministries=sorted(FIVE))
    await ok(action(client, drafter, "submit"))

    # Round 1: four approvals and one rejection; the version stays in review, not endorsed.
    for ministry in ("MFA", "MOI", "MOMD", "MOLSA"):
        await ok(sign(client, officials, ministry))
    rejected = await ok(
        sign(client, officials, "MOP", "reject", comment="Step S1 must name the statistics office.")
    )
    assert rejected["state"] == "in_review"
    assert positions(rejected) == {
        "MFA": "approved",
        "MOI": "approved",
        "MOMD": "approved",
        "MOLSA": "approved",
        "MOP": "rejected",
    }
    mop = next(s for s in rejected["signoffs"] if s["ministry"] == "MOP")
    assert mop["comment"] == "Step S1 must name the statistics office."
    assert mop["meaning"] == "Rejected on behalf of the Ministry of Planning"

    # The drafter recalls, edits and resubmits: a new round on a new hash.
    v = await ok(action(client, drafter, "recall"))
    assert v["state"] == "draft"
    content["procedure"][0]["description"]["en"] += " The statistics office of MOP receives a copy."
    content["procedure"][0]["description"]["ar"] += " يتلقى مكتب الإحصاء في وزارة التخطيط نسخة."
    headers = {**drafter.headers, "If-Match": v["etag"]}
    edited = await ok(
        client.put(version_url() + "/content", json={"content": content}, headers=headers)
    )
    assert edited["content_hash"] != v["content_hash"]
    resubmitted = await ok(action(client, drafter, "submit"))
    assert resubmitted["review_round"] == 2
    assert set(positions(resubmitted).values()) == {"pending"}, "round-1 approvals do not count"

    for ministry in ("MFA", "MOI", "MOLSA", "MOP"):
        await ok(sign(client, officials, ministry))
    endorsed = await ok(sign(client, officials, "MOMD"))
    assert endorsed["state"] == "endorsed" and endorsed["endorsed_at"]
    assert set(positions(endorsed).values()) == {"approved"}

    applied = await ok(action(client, lead, "apply", effective_date="2027-02-28"))
    assert applied["state"] == "applied"
    assert applied["effective_date"] == "2027-02-28" and applied["review_due"] == "2028-02-28"
    sop = (await client.get("/api/v1/sops/SOP-RR-001", headers=fac.headers)).json()
    assert sop["applied_version"] == 1

    v2 = await ok(
        client.post(
            "/api/v1/sops/SOP-RR-001/versions",
            json={"change_summary": "Annual review"},
            headers=drafter.headers,
        ),
        201,
    )
    assert v2["number"] == 2 and v2["state"] == "draft" and v2["content"] == applied["content"]
    assert v2["change_summary"] == "Annual review"
    await ok(action(client, drafter, "submit", number=2))
    for ministry in sorted(FIVE):
        await ok(sign(client, officials, ministry, number=2))
    await ok(action(client, fac, "apply", number=2, effective_date="2028-01-15"))
    assert (await get_version(client, fac, number=1))["state"] == "superseded"
    assert (await get_version(client, fac, number=2))["state"] == "applied"
    sop = (await client.get("/api/v1/sops/SOP-RR-001", headers=fac.headers)).json()
    assert sop["applied_version"] == 2

    endorse_events = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "version.endorse")
    )
    assert endorse_events == 2
    verify = await ok(client.get("/api/v1/audit/verify", headers=fac.headers))
    assert verify["ok"] is True and verify["first_bad_event"] is None


async def test_signoff_rules(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    current = await get_version(client, officials.facilitator)

    # Only that ministry's signatory, only a required ministry, only the current hash.
    r = await client.put(
        version_url() + "/signoffs/MOI",
        json={"decision": "approve", "content_hash": current["content_hash"]},
        headers=officials.signatory["MFA"].headers,
    )
    assert r.status_code == 403
    r = await client.put(
        version_url() + "/signoffs/MOI",
        json={"decision": "approve", "content_hash": current["content_hash"]},
        headers=officials.drafter["MOI"].headers,
    )
    assert r.status_code == 403
    assert (await sign(client, officials, "MOP")).status_code == 404
    stale = await sign(client, officials, "MOI", content_hash="0" * 64)
    assert stale.status_code == 409 and stale.json()["type"] == "/problems/stale-content-hash"
    no_reason = await sign(client, officials, "MOI", "reject")
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["pointer"] == "#/comment"
    bad = await client.put(
        version_url() + "/signoffs/MOI",
        json={"decision": "maybe", "content_hash": current["content_hash"]},
        headers=officials.signatory["MOI"].headers,
    )
    assert bad.status_code == 422

    # A ministry may change its decision within the round; the history keeps both.
    await ok(sign(client, officials, "MOI", "reject", comment="Time limit too short"))
    v = await ok(sign(client, officials, "MOI"))
    assert positions(v)["MOI"] == "approved"
    history = await ok(
        client.get(version_url() + "/signoffs", headers=officials.reviewer["MOP"].headers)
    )
    assert [(h["ministry"], h["decision"], h["counts"]) for h in history] == [
        ("MOI", "reject", False),
        ("MOI", "approve", True),
    ]
    assert history[1]["meaning"] == "Approved on behalf of the Ministry of Interior"
    assert history[1]["official"]["name"] == "Signatory MOI"


async def test_rejection_blocks_endorsement_until_changed(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    await ok(sign(client, officials, "MFA", "reject", comment="Consular step unclear"))
    await ok(sign(client, officials, "MOI"))
    v = await ok(sign(client, officials, "MOMD"))
    assert v["state"] == "in_review"
    v = await ok(sign(client, officials, "MFA"))
    assert v["state"] == "endorsed"


async def test_signoff_outside_review_is_409(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    r = await sign(client, officials, "MOI")
    assert r.status_code == 409 and r.json()["state"] == "draft"
    await bring_to(client, officials, "endorsed", code="SOP-RR-002")
    r = await sign(client, officials, "MOI", code="SOP-RR-002")
    assert r.status_code == 409 and r.json()["state"] == "endorsed"


async def test_revise_is_409_while_a_version_is_open(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    r = await client.post(
        "/api/v1/sops/SOP-RR-001/versions",
        json={"change_summary": "x"},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 409 and r.json()["open_version"] == 1
    r = await client.post(
        "/api/v1/sops/SOP-RR-001/versions",
        json={"change_summary": "x"},
        headers=officials.drafter["MOP"].headers,
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/sops/SOP-NONE/versions",
        json={"change_summary": "x"},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 404


async def test_revise_after_withdrawal(client, officials: Officials) -> None:
    await bring_to(client, officials, "withdrawn")
    v = await get_version(client, officials.facilitator)
    assert v["withdrawn_reason"] == "No longer needed"
    r = await client.post(
        "/api/v1/sops/SOP-RR-001/versions",
        json={"change_summary": "Restart"},
        headers=officials.drafter["MOI"].headers,
    )
    assert r.status_code == 201 and r.json()["number"] == 2


async def test_withdraw_needs_reason_and_apply_needs_date(client, officials: Officials) -> None:
    await bring_to(client, officials, "endorsed")
    r = await action(client, officials.facilitator, "withdraw")
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/reason"
    r = await action(client, officials.facilitator, "apply")
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/effective_date"
    r = await action(client, officials.facilitator, "apply", effective_date="not a date")
    assert r.status_code == 422


def working_days_later(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.strftime("%A") not in ("Friday", "Saturday"):
            n -= 1
    return day


async def test_consultation_deadline_overdue_and_awaiting(
    client, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "in_review")
    v = await get_version(client, officials.facilitator)
    assert v["respond_by"] == working_days_later(date.today(), 15).isoformat()
    await ok(sign(client, officials, "MOI"))

    async def awaiting(ministry: str) -> list[str]:
        page = await ok(
            client.get(
                "/api/v1/sops", params={"awaiting": ministry}, headers=officials.facilitator.headers
            )
        )
        return [i["code"] for i in page["items"]]

    assert await awaiting("MFA") == ["SOP-RR-001"]
    assert await awaiting("MOI") == []
    assert await awaiting("MOP") == []

    db.execute(update(SopVersion).values(respond_by=date.today() - timedelta(days=1)))
    db.commit()
    v = await get_version(client, officials.facilitator)
    assert positions(v) == {"MFA": "overdue", "MOI": "approved", "MOMD": "overdue"}


async def test_submit_with_explicit_deadline(client, officials: Officials) -> None:
    await create_sop(client, officials.facilitator)
    when = (date.today() + timedelta(days=40)).isoformat()
    v = await ok(action(client, officials.drafter["MOI"], "submit", respond_by=when))
    assert v["respond_by"] == when
    await ok(action(client, officials.drafter["MOI"], "recall"))
    r = await action(
        client, officials.drafter["MOI"], "submit", respond_by=date.today().isoformat()
    )
    assert r.status_code == 422


async def test_frozen_after_submit(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    v = await get_version(client, officials.drafter["MOMD"])
    assert "edit" not in v["available_actions"]
    r = await client.put(
        version_url() + "/content",
        json={"title": {"en": "x", "ar": "س"}},
        headers={**officials.drafter["MOMD"].headers, "If-Match": v["etag"]},
    )
    assert r.status_code == 409
    assert "signoff" in (await get_version(client, officials.signatory["MOI"]))["available_actions"]
    assert (
        "signoff"
        not in (await get_version(client, officials.signatory["MOP"]))["available_actions"]
    )


def test_ministries_fixture_is_complete() -> None:
    assert set(MINISTRIES) == FIVE


async def test_an_older_endorsed_version_cannot_replace_a_newer_one_in_force(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "endorsed")
    drafter, fac = officials.drafter["MOMD"], officials.facilitator
    await ok(
        client.post(
            "/api/v1/sops/SOP-RR-001/versions",
            json={"change_summary": "v2"},
            headers=drafter.headers,
        ),
        201,
    )
    await ok(action(client, drafter, "submit", number=2))
    for ministry in ("MFA", "MOI", "MOMD"):
        await ok(sign(client, officials, ministry, number=2))
    await ok(action(client, fac, "apply", number=2, effective_date="2027-06-01"))
    r = await action(client, fac, "apply", number=1, effective_date="2027-07-01")
    assert r.status_code == 409 and "version 2 is newer" in r.json()["detail"]
    assert (await get_version(client, fac, number=2))["state"] == "applied"
    assert (await get_version(client, fac, number=1))["state"] == "endorsed"
