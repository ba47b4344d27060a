"""Webhook subscriptions and the outbox: events are written with the change that caused them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from sopengine import sealing
from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import (
    Ministry,
    Official,
    SopVersion,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from sopengine.domain import permissions
from sopengine.domain import webhooks as rules
from sopengine.domain.permissions import Action
from sopengine.domain.webhooks import DeliveryStatus
from sopengine.domain.workflow import Facts
from sopengine.errors import FieldError, NotFound, ValidationFailed, pointer
from sopengine.observability import context as request_context
from sopengine.services import audit, webhook_client
from sopengine.urls import version_path

# --- the outbox ----------------------------------------------------------------------


def emit(
    session: Session,
    event_type: str,
    *,
    sop_code: str | None,
    ministries: list[str],
    data: dict[str, Any],
) -> WebhookEvent:
    """Write an event and one pending delivery per matching subscription (no sending here)."""
    assert event_type in rules.EVENT_TYPES, event_type
    now = utcnow()
    event = WebhookEvent(
        event_type=event_type,
        sop_code=sop_code,
        ministries=sorted(ministries),
        created_at=now,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
        request_id=request_context.request_id(),
    )
    session.add(event)
    session.flush()
    for sub in session.scalars(select(WebhookSubscription).where(WebhookSubscription.active)):
        if event_type in sub.event_types and (sub.ministry_code in (None, *ministries)):
            session.add(
                WebhookDelivery(
                    subscription_id=sub.id,
                    event_id=event.id,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    session.flush()
    return event


def version_data(version: SopVersion, **extra: Any) -> dict[str, Any]:
    return {
        "sop_code": version.sop.code,
        "version": version.number,
        "state": version.state,
        "title": version.title,
        "content_hash": version.content_hash,
        "required_ministries": version.required_ministries,
        "url": version_path(version.sop.code, version.number),
        **extra,
    }


def emit_for_version(session: Session, event_type: str, version: SopVersion, **extra: Any) -> None:
    emit(
        session,
        event_type,
        sop_code=version.sop.code,
        ministries=version.required_ministries,
        data=version_data(version, **extra),
    )


# --- subscriptions -------------------------------------------------------------------


@dataclass(frozen=True)
class NewSubscription:
    url: str
    event_types: list[str]
    ministry: str | None = None


def subscribe(
    session: Session, settings: Settings, actor: Official, data: NewSubscription
) -> tuple[WebhookSubscription, str]:
    """The subscription and its signing secret, which is stored only sealed."""
    # A ministry's official subscribes for its own ministry unless it names one.
    ministry = data.ministry if data.ministry is not None else actor.ministry_code
    permissions.authorize(Action.MANAGE_WEBHOOKS, actor, Facts(ministry=ministry))
    errors = [
        FieldError(
            pointer("event_types", i), f"unknown event type; known: {', '.join(rules.EVENT_TYPES)}"
        )
        for i, t in enumerate(data.event_types)
        if t not in rules.EVENT_TYPES
    ]
    if ministry is not None and session.get(Ministry, ministry) is None:
        errors.append(FieldError(pointer("ministry"), f"unknown ministry {ministry!r}"))
    problem = webhook_client.url_problem(data.url, settings.webhook_allowed_hosts)
    if problem:
        errors.append(FieldError(pointer("url"), problem))
    if errors:
        raise ValidationFailed(errors)
    secret = rules.new_secret()
    sub = WebhookSubscription(
        url=data.url,
        event_types=sorted(set(data.event_types)),
        ministry_code=ministry,
        sealed_secret=sealing.seal_webhook_secret(sealing.sealer(settings), secret),
        created_by_id=actor.id,
        active=True,
        created_at=utcnow(),
    )
    session.add(sub)
    session.flush()
    audit.record(
        session,
        actor,
        "webhook.created",
        details={
            "webhook_id": sub.id,
            "url": sub.url,
            "event_types": sub.event_types,
            "ministry": ministry,
        },
    )
    return sub, secret


def visible_to(actor: Official, sub: WebhookSubscription) -> bool:
    return permissions.may(Action.MANAGE_WEBHOOKS, actor, Facts(ministry=sub.ministry_code))


def list_subscriptions(session: Session, actor: Official) -> list[WebhookSubscription]:
    permissions.authorize(Action.MANAGE_WEBHOOKS, actor, Facts(ministry=actor.ministry_code))
    subs = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.active)
        .order_by(WebhookSubscription.id)
    )
    return [s for s in subs if visible_to(actor, s)]


def get_subscription(session: Session, actor: Official, sub_id: int) -> WebhookSubscription:
    """The subscription, if the actor may manage it; another ministry's is "not found" too,
    so its ids cannot be told from ids that do not exist."""
    permissions.authorize(Action.MANAGE_WEBHOOKS, actor, Facts(ministry=actor.ministry_code))
    sub = session.get(WebhookSubscription, sub_id)
    if sub is None or not sub.active or not visible_to(actor, sub):
        raise NotFound(f"no webhook {sub_id}")
    return sub


def unsubscribe(session: Session, actor: Official, sub_id: int) -> None:
    sub = get_subscription(session, actor, sub_id)
    sub.active, sub.deleted_at = False, utcnow()
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == sub.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.CANCELLED, lease_until=None)
    )
    session.flush()
    audit.record(session, actor, "webhook.deleted", details={"webhook_id": sub.id})


def deliveries(
    session: Session, sub: WebhookSubscription, limit: int = 100
) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
    rows = list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == sub.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
            .options(selectinload(WebhookDelivery.event))
        )
    )
    attempts: dict[int, list[WebhookAttempt]] = {d.id: [] for d in rows}
    for a in session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(attempts))
        .order_by(WebhookAttempt.id)
    ):
        attempts[a.delivery_id].append(a)
    return [(d, attempts[d.id]) for d in rows]


def redeliver(
    session: Session, actor: Official, sub: WebhookSubscription, delivery_id: int
) -> WebhookDelivery:
    """Queue a delivery again now, with the same webhook-id."""
    delivery = session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == sub.id)
        .options(selectinload(WebhookDelivery.event))
        .with_for_update()
    )
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id} for webhook {sub.id}")
    delivery.status, delivery.next_attempt_at, delivery.lease_until = (
        DeliveryStatus.PENDING,
        utcnow(),
        None,
    )
    delivery.attempts = 0
    session.flush()
    audit.record(
        session,
        actor,
        "webhook.redeliver",
        details={"webhook_id": sub.id, "delivery_id": delivery.id},
    )
    return delivery


def reseal_secrets(session: Session, settings: Settings) -> int:
    """Seal every stored signing secret with the first configured key (key rotation);
    answers how many were resealed. A secret no configured key opens stops it, unchanged."""
    sealer = sealing.sealer(settings)
    count = 0
    for sub in session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)):
        if sub.sealed_secret.startswith(sealing.VERSION):
            resealed = sealer.reseal(sub.sealed_secret, sealing.WEBHOOK_SECRET)
        else:  # written in plain text by a service older than the sealing
            resealed = sealing.seal_webhook_secret(sealer, sub.sealed_secret)
        if resealed is not None:
            sub.sealed_secret = resealed
            count += 1
    session.flush()
    audit.record(session, None, "secrets.resealed", details={"webhook_secrets": count})
    return count
