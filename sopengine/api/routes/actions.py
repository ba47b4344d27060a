"""Workflow actions on a version: submit, recall, apply, withdraw."""

from __future__ import annotations

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse

from sopengine.api.deps import CurrentOfficial, SessionDep, SettingsDep, VersionForUpdate
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.representations import version_headers, version_out
from sopengine.api.schemas.versions import ActionIn, VersionOut
from sopengine.errors import Forbidden, InvalidTransition, NotFound, Unauthorized, ValidationFailed
from sopengine.services import workflow

router = APIRouter(tags=["review and sign-off"])


@router.post(
    "/sops/{code}/versions/{number}/actions/{action}",
    response_model=VersionOut,
    responses=responses(Unauthorized, Forbidden, NotFound, InvalidTransition, ValidationFailed),
    summary="Fire a workflow action: submit, recall, apply or withdraw",
    description="Illegal in the current state: 409 naming the state and the allowed actions. "
    "`apply` needs `effective_date`; `withdraw` needs `reason`; `submit` may set `respond_by`.",
)
def act(
    version: VersionForUpdate,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    once: Once,
    action: str = Path(max_length=20),
    body: ActionIn | None = Body(default=None),
) -> JSONResponse:
    data = body or ActionIn()
    given = workflow.ActionInput(
        effective_date=data.effective_date, reason=data.reason, respond_by=data.respond_by
    )
    workflow.perform(session, settings, official, version, action, given)
    return once.answer(200, version_out(session, version, official), version_headers(version))
