"""Prometheus metrics: readable from the loopback address, or with the metrics token."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from sopengine.api.deps import SettingsDep, client_address
from sopengine.api.problems import problem_entry
from sopengine.errors import Forbidden
from sopengine.observability import metrics

router = APIRouter(tags=["operations"])


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def may_read_metrics(request: Request, settings: SettingsDep) -> None:
    if settings.metrics_token:
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, f"Bearer {settings.metrics_token}".encode()):
            return
        raise Forbidden("/metrics needs the metrics token: 'Authorization: Bearer <token>'")
    if not _is_loopback(client_address(request)):
        raise Forbidden(
            "/metrics answers the loopback address only; set SOPENGINE_METRICS_TOKEN "
            "to let a scraper elsewhere read it with that token"
        )


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    dependencies=[Depends(may_read_metrics)],
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "The metrics"},
        403: {
            **problem_entry(Forbidden),
            "description": "Not loopback, or no valid metrics token",
        },
    },
)
async def read_metrics(request: Request) -> Response:
    body = await run_in_threadpool(metrics.render, request.app.state.sessionmaker)
    return Response(body, media_type=metrics.CONTENT_TYPE)
