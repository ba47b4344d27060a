from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from sopengine.api.deps import CurrentOfficial, RowId, SessionDep, SettingsDep
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.schemas.webhooks import (
    AttemptOut,
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)
from sopengine.db.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from sopengine.domain.webhooks import DeliveryStatus
from sopengine.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from sopengine.services import webhooks
from sopengine.urls import webhook_path

router = APIRouter(tags=["webhooks"])


def webhook_out(sub: WebhookSubscription) -> WebhookOut:
    return WebhookOut(
        id=sub.id,
        url=sub.url,
        event_types=sub.event_types,
        ministry=sub.ministry_code,
        created_at=sub.created_at,
    )


def delivery_out(d: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        message_id=d.message_id,
        event_type=d.event.event_type,
        status=DeliveryStatus(d.status),
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
        delivered_at=d.delivered_at,
        last_error=d.last_error,
        created_at=d.created_at,
        attempt_log=[
            AttemptOut(
                attempted_at=a.attempted_at,
                success=a.success,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                error=a.error,
            )
            for a in attempts
        ],
    )


@router.post(
    "/webhooks",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses=responses(Unauthorized, Forbidden, ValidationFailed),
    summary="Subscribe a URL to events; the signing secret is shown once",
)
def subscribe(
    body: WebhookIn,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    once: Once,
) -> JSONResponse:
    wanted = webhooks.NewSubscription(
        url=body.url, event_types=body.event_types, ministry=body.ministry
    )
    sub, secret = webhooks.subscribe(session, settings, official, wanted)
    created = WebhookCreated(**webhook_out(sub).model_dump(), secret=secret)
    return once.answer(201, created, {"Location": webhook_path(sub.id)})


@router.get(
    "/webhooks", response_model=list[WebhookOut], responses=responses(Unauthorized, Forbidden)
)
def list_webhooks(session: SessionDep, official: CurrentOfficial) -> list[WebhookOut]:
    return [webhook_out(s) for s in webhooks.list_subscriptions(session, official)]


@router.get(
    "/webhooks/{webhook_id}",
    response_model=WebhookOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
)
def get_webhook(webhook_id: RowId, session: SessionDep, official: CurrentOfficial) -> WebhookOut:
    return webhook_out(webhooks.get_subscription(session, official, webhook_id))


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(Unauthorized, Forbidden, NotFound),
)
def delete_webhook(webhook_id: RowId, session: SessionDep, official: CurrentOfficial) -> Response:
    webhooks.unsubscribe(session, official, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response_model=list[DeliveryOut],
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="The latest deliveries with every attempt (status, response code, latency, error)",
)
def list_deliveries(
    webhook_id: RowId, session: SessionDep, official: CurrentOfficial
) -> list[DeliveryOut]:
    sub = webhooks.get_subscription(session, official, webhook_id)
    return [delivery_out(d, attempts) for d, attempts in webhooks.deliveries(session, sub)]


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="Queue a delivery again now, with the same webhook-id",
)
def redeliver(
    webhook_id: RowId,
    delivery_id: RowId,
    session: SessionDep,
    official: CurrentOfficial,
    once: Once,
) -> JSONResponse:
    sub = webhooks.get_subscription(session, official, webhook_id)
    return once.answer(
        200, delivery_out(webhooks.redeliver(session, official, sub, delivery_id), [])
    )
