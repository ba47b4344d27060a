from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from sopengine.api.deps import CurrentOfficial, RowId, SessionDep, allowed_to
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.schemas.officials import MeOut, OfficialCreated, OfficialIn, RevokedOut, TokenOut
from sopengine.db.models import Official
from sopengine.domain.permissions import Action
from sopengine.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from sopengine.services import officials

router = APIRouter(tags=["officials"])

Admin = Annotated[Official, allowed_to(Action.MANAGE_OFFICIALS)]


@router.post(
    "/officials",
    status_code=status.HTTP_201_CREATED,
    response_model=OfficialCreated,
    responses=responses(Unauthorized, Forbidden, Conflict, ValidationFailed),
    summary="Create an official and its first API token (shown once)",
)
def create_official(
    body: OfficialIn, session: SessionDep, admin: Admin, once: Once
) -> JSONResponse:
    new = officials.NewOfficial(
        name=body.name,
        roles=[r.value for r in body.roles],
        ministry=body.ministry,
        position=body.position,
        email=body.email,
    )
    official, token = officials.create_official(session, admin, new)
    created = OfficialCreated(
        id=official.id,
        name=official.name,
        position=official.position,
        email=official.email,
        ministry=official.ministry_code,
        roles=official.roles,
        active=official.active,
        created_at=official.created_at,
        token=token,
    )
    return once.answer(201, created)


@router.get("/me", response_model=MeOut, responses=responses(Unauthorized))
def me(official: CurrentOfficial) -> MeOut:
    return MeOut(
        id=official.id,
        name=official.name,
        position=official.position,
        ministry=official.ministry_code,
        roles=official.roles,
    )


@router.post(
    "/officials/{official_id}/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="Issue another API token for an official (shown once)",
)
def issue_token(official_id: RowId, session: SessionDep, admin: Admin, once: Once) -> JSONResponse:
    official = officials.get_official(session, official_id)
    token = officials.new_token(session, admin, official)
    return once.answer(201, TokenOut(official_id=official.id, token=token))


@router.delete(
    "/officials/{official_id}/tokens",
    response_model=RevokedOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="Revoke every API token of an official",
)
def revoke_tokens(official_id: RowId, session: SessionDep, admin: Admin) -> RevokedOut:
    official = officials.get_official(session, official_id)
    return RevokedOut(
        official_id=official.id, revoked=officials.revoke_tokens(session, admin, official)
    )
