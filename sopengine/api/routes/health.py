"""Liveness and readiness, for load balancers, Docker and Kubernetes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sopengine.api.deps import SettingsDep
from sopengine.observability import readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers (nothing else is checked)")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the database answers at this code's schema, and templates load",
    responses={503: {"description": "Not ready; `checks` says what failed"}},
)
def readyz(request: Request, settings: SettingsDep) -> JSONResponse:
    report = readiness.check(request.app.state.sessionmaker, settings)
    return JSONResponse(
        {"status": "ready" if report.ready else "unready", "checks": report.checks},
        status_code=200 if report.ready else 503,
    )
