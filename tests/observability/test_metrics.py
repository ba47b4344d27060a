"""/metrics: who may read it, and that each figure moves with what it counts."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import SopVersion, WebhookAttempt, WebhookDelivery
from sopengine.db.session import make_engine
from sopengine.main import create_app
from sopengine.observability import metrics
from tests.helpers import REQUIRED, Officials, action, create_sop, sign

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(client: httpx.AsyncClient) -> Samples:
    answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_answer_loopback_only_by_default(
    app: object, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/metrics")).status_code == 200  # the test client is 127.0.0.1
    remote = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=remote, base_url="http://sopengine.test") as c:
        refused = await c.get("/metrics")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"


async def test_a_metrics_token_is_needed_from_everyone_once_set(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    token = "scrape-me-with-this-long-token"
    app = create_app(settings.model_copy(update={"metrics_token": token}), session_factory)
    for address in ("127.0.0.1", "192.0.2.10"):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            assert (await c.get("/metrics")).status_code == 403
            wrong = await c.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 403
            right = await c.get("/metrics", headers={"Authorization": f"Bearer {token}"})
            assert right.status_code == 200 and "sopengine_http_requests_total" in right.text


def test_a_short_metrics_token_is_refused() -> None:
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError):
        Settings(metrics_token="short")


async def test_requests_are_counted_by_route_template_and_status(
    client: httpx.AsyncClient, officials: Officials
) -> None:
    route = "/api/v1/sops/{code}"
    before = await scrape(client)
    await create_sop(client, officials.facilitator, "SOP-MET-001")
    for code in ("SOP-MET-001", "SOP-MET-001", "SOP-NONE-9"):
        await client.get(f"/api/v1/sops/{code}", headers=officials.facilitator.headers)
    after = await scrape(client)
    ok = {"method": "GET", "route": route, "status": "200"}
    missing = {"method": "GET", "route": route, "status": "404"}
    count = "sopengine_http_requests_total"
    assert value(after, count, **ok) - value(before, count, **ok) == 2
    assert value(after, count, **missing) - value(before, count, **missing) == 1
    histogram = "sopengine_http_request_duration_seconds_count"
    assert value(after, histogram, **ok) - value(before, histogram, **ok) == 2
    assert not any("SOP-MET-001" in str(labels) for _, labels in after)


async def test_word_exports_are_counted_with_their_duration(
    client: httpx.AsyncClient, officials: Officials
) -> None:
    await create_sop(client, officials.facilitator, "SOP-MET-002")
    before = await scrape(client)
    exported = await client.get(
        "/api/v1/sops/SOP-MET-002/versions/1/export.docx?lang=ar",
        headers=officials.facilitator.headers,
    )
    assert exported.status_code == 200
    after = await scrape(client)
    name = "sopengine_word_export_render_seconds"
    assert value(after, f"{name}_count", lang="ar") - value(before, f"{name}_count", lang="ar") == 1
    assert value(after, f"{name}_sum", lang="ar") > value(before, f"{name}_sum", lang="ar")


async def test_review_rounds_overdue_signoffs_and_audit_events_come_from_the_database(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    before = await scrape(client)
    for code in ("SOP-MET-003", "SOP-MET-004"):
        await create_sop(client, officials.facilitator, code)
        assert (await action(client, officials.drafter["MOMD"], "submit", code)).status_code == 200
    # MOI decides on one of them; then both pass their respond-by date.
    assert (await sign(client, officials, "MOI", code="SOP-MET-003")).status_code == 200
    for version in db.scalars(select(SopVersion).where(SopVersion.state == "in_review")):
        version.respond_by = date.today() - timedelta(days=2)
    db.commit()
    after = await scrape(client)
    opened = value(after, "sopengine_review_rounds_open") - value(
        before, "sopengine_review_rounds_open"
    )
    assert opened == 2
    overdue = {m: value(after, "sopengine_signoffs_overdue", ministry=m) for m in REQUIRED}
    assert overdue == {"MFA": 2, "MOI": 1, "MOMD": 2}
    audit = "sopengine_audit_events_total"
    assert value(after, audit) > value(before, audit)
    assert value(after, "sopengine_database_up") == 1


async def test_outbox_deliveries_and_attempts_by_outcome(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    subscribed = await client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["version.submitted"]},
        headers=officials.admin.headers,
    )
    assert subscribed.status_code == 201, subscribed.text
    before = await scrape(client)
    await create_sop(client, officials.facilitator, "SOP-MET-005")
    assert (
        await action(client, officials.drafter["MOMD"], "submit", "SOP-MET-005")
    ).status_code == 200
    delivery = db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert delivery is not None
    delivery.next_attempt_at = utcnow() - timedelta(minutes=5)
    for success, status in ((True, 204), (False, 500), (False, None)):
        db.add(
            WebhookAttempt(
                delivery_id=delivery.id, success=success, status_code=status, latency_ms=3
            )
        )
    db.commit()
    after = await scrape(client)
    pending = value(after, "sopengine_outbox_deliveries", state="pending")
    assert pending - value(before, "sopengine_outbox_deliveries", state="pending") == 1
    assert value(after, "sopengine_outbox_oldest_due_age_seconds") >= 300
    name = "sopengine_webhook_delivery_attempts_total"
    for outcome in ("success", "http_error", "error"):
        assert value(after, name, outcome=outcome) - value(before, name, outcome=outcome) == 1


def test_the_pool_gauge_follows_checkouts(settings: Settings) -> None:
    engine = make_engine(settings)
    metrics.watch_pool(engine)
    gauge = "sopengine_db_pool_connections_in_use"
    start = REGISTRY.get_sample_value(gauge) or 0.0
    try:
        with engine.connect(), engine.connect():
            assert REGISTRY.get_sample_value(gauge) == start + 2
        assert REGISTRY.get_sample_value(gauge) == start
    finally:
        engine.dispose()
