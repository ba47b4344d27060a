"""Ministries' decisions on a version's text."""

from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from sopengine.api.deps import (
    CurrentCaller,
    CurrentVersion,
    SessionDep,
    SettingsDep,
    VersionForUpdate,
)
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.representations import signoff_records, version_headers, version_out
from sopengine.api.schemas.signoffs import SignoffIn, SignoffRecord
from sopengine.api.schemas.versions import VersionOut
from sopengine.domain.content import MinistryCode
from sopengine.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleContentHash,
    Unauthorized,
    ValidationFailed,
)
from sopengine.services import signoffs

router = APIRouter(tags=["review and sign-off"])


@router.put(
    "/sops/{code}/versions/{number}/signoffs/{ministry}",
    response_model=VersionOut,
    responses=responses(
        Unauthorized, Forbidden, NotFound, InvalidTransition, StaleContentHash, ValidationFailed
    ),
    summary="Record a ministry's decision on the text with this content hash",
)
def sign(
    body: SignoffIn,
    version: VersionForUpdate,
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentCaller,
    once: Once,
    ministry: MinistryCode = Path(),
) -> JSONResponse:
    decision = signoffs.SignOffInput(
        decision=body.decision,
        content_hash=body.content_hash,
        comment=body.comment,
        password=body.password,
    )
    recorded = signoffs.record_signoff(
        session, settings, caller.official, version, ministry, decision, caller.address
    )
    official = caller.official
    return once.answer(
        200, version_out(session, version, official, recorded), version_headers(version)
    )


@router.get(
    "/sops/{code}/versions/{number}/signoffs",
    response_model=list[SignoffRecord],
    responses=responses(Unauthorized, NotFound),
    summary="Every sign-off ever recorded on this version (append-only)",
)
def signoff_history(version: CurrentVersion, session: SessionDep) -> list[SignoffRecord]:
    return signoff_records(version, signoffs.load_signoffs(session, version))
