"""Every change appends exactly one event linked to the one before."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.db.models import AuditEvent
from sopengine.domain.audit_chain import event_hash
from sopengine.services import audit
from tests.helpers import Officials, create_sop, loc


def events(db: Session) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


async def test_each_change_adds_one_linked_event(client, officials: Officials, db: Session) -> None:
    before = events(db)
    created = await create_sop(client, officials.drafter["MOMD"])
    after_create = events(db)
    assert len(after_create) == len(before) + 1
    event = after_create[-1]
    assert (
        event.action == "sop.created"
        and event.sop_code == "SOP-RR-001"
        and event.version_number == 1
    )
    assert event.actor_id == officials.drafter["MOMD"].official.id
    assert event.prev_hash == before[-1].hash and event.hash == event_hash(event)

    headers = {**officials.drafter["MOMD"].headers, "If-Match": created["etag"]}
    r = await client.put(
        "/api/v1/sops/SOP-RR-001/versions/1/content", json={"title": loc("T", "ع")}, headers=headers
    )
    assert r.status_code == 200
    after_edit = events(db)
    assert len(after_edit) == len(after_create) + 1
    assert after_edit[-1].action == "version.edited"
    assert after_edit[-1].details == {
        "from_hash": created["content_hash"],
        "to_hash": r.json()["content_hash"],
    }
    assert after_edit[-1].prev_hash == event.hash

    r = await client.post(
        "/api/v1/officials",
        json={"name": "N", "roles": ["facilitator"]},
        headers=officials.admin.headers,
    )
    assert r.status_code == 201
    # A person is created and invited: two changes, two events.
    assert [e.action for e in events(db)[-2:]] == ["official.created", "invitation.issued"]
    assert audit.verify(db).ok


async def test_reads_and_refusals_add_no_event(client, officials: Officials, db: Session) -> None:
    count = db.scalar(select(func.count()).select_from(AuditEvent))
    await client.get("/api/v1/sops", headers=officials.reviewer["MOI"].headers)
    await client.post(
        "/api/v1/sops", json={"code": "SOP-X-1"}, headers=officials.reviewer["MOI"].headers
    )
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == count


async def test_tampering_is_found(client, officials: Officials, db: Session) -> None:
    await create_sop(client, officials.facilitator)
    target = events(db)[-1]
    target.details = {**target.details, "lead_ministry": "MOP"}
    db.commit()
    report = audit.verify(db)
    assert not report.ok and report.first_bad_event == target.seq
