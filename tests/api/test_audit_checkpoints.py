"""Signed checkpoints end to end: made by the worker's chore, checked by GET /audit/verify,
announced to ministries, carried by every Word export."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import AuditCheckpoint, AuditEvent, WebhookDelivery, WebhookEvent
from sopengine.domain import checkpoints as rules
from sopengine.domain.audit_chain import event_hash, verify_chain
from sopengine.export.manifest import read_manifest
from sopengine.main import create_app
from sopengine.services import checkpoints, webhooks
from tests.helpers import Officials, create_sop, version_url

PRIVATE, PUBLIC = rules.new_key_pair()


@pytest.fixture
def keyed(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"audit_signing_key": PRIVATE.decode(), "audit_checkpoint_events": 3}
    )


@pytest.fixture
async def keyed_client(keyed: Settings, session_factory: sessionmaker[Session]):
    transport = httpx.ASGITransport(app=create_app(keyed, session_factory))
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as c:
        yield c


def sign_now(db: Session, settings: Settings) -> AuditCheckpoint:
    key = checkpoints.signing_key(settings)
    assert key is not None
    made = checkpoints.make(db, key, "manual")
    assert made is not None
    db.commit()
    return made


def when_due(db: Session, settings: Settings) -> AuditCheckpoint | None:
    made = checkpoints.make_due(db, settings)
    db.commit()
    return made


def rewrite_from(db: Session, seq: int, details: dict) -> None:
    """What a database writer without the key can do: edit an event, recompute every hash."""
    rows = list(db.scalars(select(AuditEvent).where(AuditEvent.seq >= seq - 1)))
    rows.sort(key=lambda e: e.seq)
    prev = rows[0].hash if rows[0].seq < seq else None
    for event in rows:
        if event.seq < seq:
            continue
        event.details = details if event.seq == seq else event.details
        event.prev_hash = prev or event.prev_hash
        new_hash = event_hash(event)
        db.execute(
            update(AuditEvent)
            .where(AuditEvent.seq == event.seq)
            .values(details=event.details, prev_hash=event.prev_hash, hash=new_hash)
        )
        prev = new_hash
    db.commit()
    db.expire_all()


async def verify(client: httpx.AsyncClient, officials: Officials) -> dict:
    r = await client.get("/api/v1/audit/verify", headers=officials.facilitator.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_untouched_chain_verifies_against_its_signed_checkpoints(
    keyed_client, keyed: Settings, officials: Officials, db: Session
) -> None:
    await create_sop(keyed_client, officials.drafter["MOMD"])
    cp = sign_now(db, keyed)
    assert cp.trigger == "manual" and cp.key_id == rules.key_id(rules.load_public_key(PUBLIC))
    report = await verify(keyed_client, officials)
    assert report["ok"] and report["signatures_verified"]
    assert report["checkpoints_checked"] == 1 and report["signed_up_to"] == cp.seq


async def test_a_rewrite_with_recomputed_hashes_is_detected_and_named(
    keyed_client, keyed: Settings, officials: Officials, db: Session
) -> None:
    created = await create_sop(keyed_client, officials.drafter["MOMD"])
    first = sign_now(db, keyed)
    headers = {**officials.drafter["MOMD"].headers, "If-Match": created["etag"]}
    r = await keyed_client.put(
        version_url() + "/content", json={"title": {"en": "T", "ar": "ع"}}, headers=headers
    )
    assert r.status_code == 200
    second = sign_now(db, keyed)
    assert second.seq > first.seq

    target = db.scalar(select(AuditEvent).where(AuditEvent.action == "sop.created"))
    assert target is not None and target.seq <= first.seq
    rewrite_from(db, target.seq, {**target.details, "lead_ministry": "MOP"})
    assert verify_chain(db.scalars(select(AuditEvent).order_by(AuditEvent.seq))).ok, (
        "the rewrite is perfect as far as the hash chain alone can tell"
    )

    report = await verify(keyed_client, officials)
    assert not report["ok"] and report["first_bad_checkpoint"] == first.id
    assert report["first_bad_event"] == first.seq
    assert f"checkpoint {first.id}" in report["reason"]
    assert report["signatures_verified"]


async def test_a_forged_checkpoint_is_named(
    keyed_client, keyed: Settings, officials: Officials, db: Session
) -> None:
    await create_sop(keyed_client, officials.drafter["MOMD"])
    cp = sign_now(db, keyed)
    # Someone rewrites the chain and signs the new head with a key of its own.
    other = rules.load_private_key(rules.new_key_pair()[0])
    forged = rules.sign(other, cp.seq, cp.event_hash, cp.signed_at)
    db.execute(
        update(AuditCheckpoint).where(AuditCheckpoint.id == cp.id).values(signature=forged.value)
    )
    db.commit()
    report = await verify(keyed_client, officials)
    assert not report["ok"] and report["first_bad_checkpoint"] == cp.id
    assert "signature" in report["reason"]


async def test_checkpoints_are_made_every_n_events_and_daily(
    client, keyed: Settings, officials: Officials, db: Session
) -> None:
    assert when_due(db, keyed.model_copy(update={"audit_signing_key": ""})) is None
    first = when_due(db, keyed)
    assert first is not None and first.trigger == "events", "the first one is due at once"
    assert when_due(db, keyed) is None, "nothing new: not due"
    for n in range(2):  # an official created and invited: two events each
        r = await client.post(
            "/api/v1/officials",
            json={"name": f"N{n}", "roles": ["facilitator"]},
            headers=officials.admin.headers,
        )
        assert r.status_code == 201, r.text
        made = when_due(db, keyed)
        assert (made is None) == (n == 0), "due after 3 events (SOPENGINE_AUDIT_CHECKPOINT_EVENTS)"
    assert made is not None and made.trigger == "events"
    db.execute(update(AuditCheckpoint).values(signed_at=utcnow() - timedelta(hours=25)))
    db.commit()
    daily = when_due(db, keyed)
    assert daily is not None and daily.trigger == "daily" and daily.seq == made.seq


async def test_a_checkpoint_reaches_ministries_and_every_export(
    client, keyed: Settings, officials: Officials, db: Session, settings: Settings
) -> None:
    moi = officials.signatory["MOI"]
    sub, _secret = webhooks.subscribe(
        db,
        settings,
        moi.official,
        webhooks.NewSubscription("http://127.0.0.1:9/moi", ["audit.checkpoint"]),
    )
    db.commit()
    await create_sop(client, officials.drafter["MOMD"])
    cp = sign_now(db, keyed)
    event = db.scalar(select(WebhookEvent).where(WebhookEvent.event_type == "audit.checkpoint"))
    assert event is not None and event.payload["data"]["signature"] == cp.signature
    assert db.scalar(select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id))

    r = await client.get(version_url() + "/export.docx", headers=officials.facilitator.headers)
    assert r.status_code == 200
    carried = json.loads(read_manifest(r.content)["audit_checkpoint"])
    assert carried == {**rules.as_record(cp, cp.key_id)}


async def test_without_a_key_verify_says_signatures_were_not_checked(
    client, officials: Officials
) -> None:
    await create_sop(client, officials.drafter["MOMD"])
    report = await verify(client, officials)
    assert report["ok"] and not report["signatures_verified"]
    assert report["checkpoints_checked"] == 0
