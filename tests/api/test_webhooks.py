"""Webhook subscriptions, the outbox, signed delivery, retries with backoff, review reminders."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from sopengine.config import Settings
from sopengine.db.models import SopVersion, WebhookDelivery, WebhookEvent, WebhookSubscription
from sopengine.services import delivery, reminders, webhook_client
from tests.helpers import Officials, action, bring_to, create_sop, get_version, ok, sign
from tests.receiver import receiver

HOOKS = "/api/v1/webhooks"


async def subscribe(
    client, person, url: str, events: list[str], ministry: str | None = None
) -> dict:
    body = {"url": url, "event_types": events, **({"ministry": ministry} if ministry else {})}
    return await ok(client.post(HOOKS, json=body, headers=person.headers), 201)


def drain_until(
    factory: sessionmaker[Session], settings: Settings, done, timeout: float = 15
) -> None:
    deadline = time.monotonic() + timeout
    with webhook_client.make_client(settings) as http:
        while not done():
            delivery.drain_once(factory, settings, http)
            assert time.monotonic() < deadline, "deliveries did not finish"
            time.sleep(0.02)


async def test_subscriptions_and_who_may_manage_them(client, officials: Officials) -> None:
    admin, moi = officials.admin, officials.signatory["MOI"]
    created = await subscribe(client, admin, "http://127.0.0.1:9/hook", ["version.endorsed"])
    assert created["secret"].startswith("whsec_") and created["ministry"] is None
    mine = await subscribe(client, moi, "http://127.0.0.1:9/moi", ["signoff.requested"])
    assert mine["ministry"] == "MOI", "a signatory's subscription is for its ministry"
    r = await client.post(
        HOOKS,
        json={"url": "http://127.0.0.1:9/x", "event_types": ["review.due"], "ministry": "MFA"},
        headers=moi.headers,
    )
    assert r.status_code == 403
    r = await client.post(
        HOOKS,
        json={"url": "http://127.0.0.1:9/x", "event_types": ["review.due"]},
        headers=officials.reviewer["MOI"].headers,
    )
    assert r.status_code == 403

    assert [w["id"] for w in await ok(client.get(HOOKS, headers=admin.headers))] == [
        created["id"],
        mine["id"],
    ]
    assert [w["id"] for w in await ok(client.get(HOOKS, headers=moi.headers))] == [mine["id"]]
    assert "secret" not in (await ok(client.get(f"{HOOKS}/{mine['id']}", headers=moi.headers)))
    # Another ministry's webhook answers as a missing one does: its id tells nothing.
    for path in (f"{HOOKS}/{created['id']}", f"{HOOKS}/{created['id']}/deliveries"):
        other, missing = (
            await client.get(path, headers=moi.headers),
            await client.get(path.replace(str(created["id"]), "999999"), headers=moi.headers),
        )
        assert other.status_code == missing.status_code == 404
        assert other.json()["type"] == missing.json()["type"] == "/problems/not-found"
    assert (
        await client.delete(f"{HOOKS}/{created['id']}", headers=officials.signatory["MFA"].headers)
    ).status_code == 404
    assert (
        await client.get(f"{HOOKS}/999999", headers=officials.reviewer["MOI"].headers)
    ).status_code == 403, "who may not manage webhooks at all is told so, whatever the id"
    assert (await client.delete(f"{HOOKS}/{mine['id']}", headers=moi.headers)).status_code == 204
    assert (await client.get(f"{HOOKS}/{mine['id']}", headers=moi.headers)).status_code == 404


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("http://10.0.0.5/hook", ["review.due"]),
        ("http://169.254.169.254/latest", ["review.due"]),
        ("ftp://127.0.0.1/hook", ["review.due"]),
        ("http://127.0.0.1:9/hook", ["sop.exploded"]),
        ("http://[::1]:9/hook", ["review.due"]),
        ("not a url", ["review.due"]),
    ],
)
async def test_unsafe_or_unknown_is_422(
    client, officials: Officials, url: str, events: list[str]
) -> None:
    r = await client.post(
        HOOKS, json={"url": url, "event_types": events}, headers=officials.admin.headers
    )
    assert r.status_code == 422, r.text


async def test_events_are_written_with_the_change_and_delivered_signed(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    with receiver() as rx:
        moi = await subscribe(
            client, officials.signatory["MOI"], rx.url, ["signoff.requested", "version.endorsed"]
        )
        everything = await subscribe(
            client,
            officials.admin,
            rx.url,
            ["version.submitted", "signoff.recorded", "version.rejected"],
        )
        await bring_to(client, officials, "in_review")

        # A refused request writes no event.
        events_before = db.scalar(select(func.count()).select_from(WebhookEvent))
        assert (await sign(client, officials, "MOI", "reject")).status_code == 422
        assert db.scalar(select(func.count()).select_from(WebhookEvent)) == events_before
        await ok(sign(client, officials, "MOI", "reject", comment="Time limit"))

        drain_until(session_factory, settings, lambda: len(rx.requests) >= 4)
        by_type = {}
        for req in rx.requests:
            secret = (
                moi["secret"]
                if json.loads(req.body)["type"] in ("signoff.requested", "version.endorsed")
                else everything["secret"]
            )
            payload = Webhook(secret).verify(req.body, req.headers)
            by_type.setdefault(payload["type"], []).append(payload)
        assert sorted(by_type) == [
            "signoff.recorded",
            "signoff.requested",
            "version.rejected",
            "version.submitted",
        ]
        assert [p["data"]["ministry"] for p in by_type["signoff.requested"]] == ["MOI"], (
            "only MOI's request reaches MOI"
        )
        assert by_type["version.rejected"][0]["data"]["comment"] == "Time limit"
        submitted = by_type["version.submitted"][0]["data"]
        version = await get_version(client, officials.facilitator)
        assert (submitted["sop_code"], submitted["version"], submitted["respond_by"]) == (
            "SOP-RR-001",
            1,
            version["respond_by"],
        )

        deliveries = await ok(
            client.get(
                f"{HOOKS}/{moi['id']}/deliveries", headers=officials.signatory["MOI"].headers
            )
        )
        assert [(d["event_type"], d["status"], d["attempts"]) for d in deliveries] == [
            ("signoff.requested", "delivered", 1)
        ]
        assert deliveries[0]["attempt_log"][0]["status_code"] == 200
        assert (
            deliveries[0]["message_id"]
            == rx.requests[
                [json.loads(r.body)["type"] for r in rx.requests].index("signoff.requested")
            ].headers["webhook-id"]
        )


async def test_fails_twice_then_one_success_after_backoff(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    # Each answer takes 50 ms, so every attempt's latency has a floor that a unit slip would miss.
    with receiver(statuses=[500, 503], delay=0.05) as rx:
        hook = await subscribe(client, officials.admin, rx.url, ["version.submitted"])
        await bring_to(client, officials, "in_review")
        started = time.monotonic()
        drain_until(session_factory, settings, lambda: any(r.answered == 200 for r in rx.requests))
        elapsed_ms = (time.monotonic() - started) * 1000
        assert [r.answered for r in rx.requests] == [500, 503, 200]
        assert len({r.headers["webhook-id"] for r in rx.requests}) == 1, "the webhook-id is stable"
        gaps = [b.at - a.at for a, b in zip(rx.requests, rx.requests[1:], strict=False)]
        # backoff: at least half of base*2^(n-1) (jitter adds up to the other half)
        assert gaps[0] >= 0.1 and gaps[1] >= 0.2, gaps
        log = (
            await ok(
                client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=officials.admin.headers)
            )
        )[0]
        assert log["status"] == "delivered" and log["attempts"] == 3
        assert [(a["success"], a["status_code"]) for a in log["attempt_log"]] == [
            (False, 500),
            (False, 503),
            (True, 200),
        ]
        assert all(50 <= a["latency_ms"] <= elapsed_ms for a in log["attempt_log"]), log


async def test_gives_up_after_max_attempts_then_redelivers(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    limited = settings.model_copy(
        update={"webhook_max_attempts": 2, "webhook_backoff_seconds": 0.05}
    )
    with receiver(statuses=[500, 500]) as rx:
        hook = await subscribe(client, officials.admin, rx.url, ["version.submitted"])
        await bring_to(client, officials, "in_review")

        def failed() -> bool:
            db.expire_all()
            return db.scalar(select(WebhookDelivery.status)) == "failed"

        drain_until(session_factory, limited, failed)
        url = f"{HOOKS}/{hook['id']}/deliveries"
        [d] = await ok(client.get(url, headers=officials.admin.headers))
        assert d["status"] == "failed" and d["last_error"] == "HTTP 500"
        again = await ok(client.post(f"{url}/{d['id']}/redeliver", headers=officials.admin.headers))
        assert again["status"] == "pending" and again["message_id"] == d["message_id"]
        drain_until(session_factory, limited, lambda: any(r.answered == 200 for r in rx.requests))
        assert {r.headers["webhook-id"] for r in rx.requests} == {d["message_id"]}
        assert (
            await client.post(f"{url}/999999/redeliver", headers=officials.admin.headers)
        ).status_code == 404


async def test_review_due_is_announced_once(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    await bring_to(client, officials, "applied")
    with receiver() as rx:
        await subscribe(client, officials.admin, rx.url, ["review.due"])
        today = date.today()
        db.execute(update(SopVersion).values(review_due=today + timedelta(days=40)))
        db.commit()
        with session_factory.begin() as s:
            assert reminders.announce_reviews(s, settings, today) == 0, "40 days ahead: not yet"
        db.execute(update(SopVersion).values(review_due=today + timedelta(days=20)))
        db.commit()
        with session_factory.begin() as s:
            assert reminders.announce_reviews(s, settings, today) == 1
        with session_factory.begin() as s:
            assert reminders.announce_reviews(s, settings, today) == 0, "once per review date"
        drain_until(session_factory, settings, lambda: len(rx.requests) == 1)
        payload = json.loads(rx.requests[0].body)
        assert payload["type"] == "review.due"
        assert payload["data"]["review_due"] == (today + timedelta(days=20)).isoformat()


async def test_deleted_subscription_gets_nothing_new(
    client, officials: Officials, db: Session
) -> None:
    hook = await subscribe(
        client, officials.admin, "http://127.0.0.1:9/hook", ["version.submitted"]
    )
    assert (
        await client.delete(f"{HOOKS}/{hook['id']}", headers=officials.admin.headers)
    ).status_code == 204
    await create_sop(client, officials.facilitator)
    await ok(action(client, officials.facilitator, "submit"))
    assert db.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


async def test_dns_rebinding_is_refused_at_connect(
    client, officials: Officials, session_factory, settings: Settings, db: Session, monkeypatch
) -> None:
    strict = settings.model_copy(update={"webhook_allowed_hosts": ""})
    with receiver() as rx:
        port = rx.url.split(":")[2].split("/")[0]
        answers = {"hooks.rebind.test": ["8.8.8.8"]}
        monkeypatch.setattr(webhook_client, "resolve", lambda host: answers[host])
        hook = await subscribe(
            client, officials.admin, f"http://hooks.rebind.test:{port}/hook", ["version.submitted"]
        )
        answers["hooks.rebind.test"] = ["127.0.0.1"]  # the name now points inside
        await bring_to(client, officials, "in_review")
        with webhook_client.make_client(strict) as http:
            assert delivery.drain_once(session_factory, strict, http) == 1
        assert rx.requests == []
        [d] = await ok(
            client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=officials.admin.headers)
        )
        assert d["attempt_log"][0]["success"] is False and "refused" in d["attempt_log"][0]["error"]


async def test_a_poisonous_url_does_not_stop_the_worker(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    with receiver() as rx:
        good = await subscribe(client, officials.admin, rx.url, ["version.submitted"])
        bad_id = (
            await subscribe(client, officials.admin, "http://127.0.0.1:9/ok", ["version.submitted"])
        )["id"]
        # A URL that passed the checks once but breaks the HTTP client (stored directly).
        db.get(WebhookSubscription, bad_id).url = "http://127.0.0.1:9/a\u007fb"
        db.commit()
        await bring_to(client, officials, "in_review")
        drain_until(session_factory, settings, lambda: len(rx.requests) == 1)
        assert good["id"] != bad_id


async def test_deleting_a_subscription_cancels_its_pending_deliveries(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    with receiver() as rx:
        hook = await subscribe(client, officials.admin, rx.url, ["version.submitted"])
        await bring_to(client, officials, "in_review")
        assert (
            await client.delete(f"{HOOKS}/{hook['id']}", headers=officials.admin.headers)
        ).status_code == 204
        with webhook_client.make_client(settings) as http:
            assert delivery.drain_once(session_factory, settings, http) == 0
        assert rx.requests == []
        db.expire_all()
        assert db.scalar(select(WebhookDelivery.status)) == "cancelled"
