from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from sopengine.api.deps import CurrentOfficial, SessionDep, require
from sopengine.api.problems import responses
from sopengine.api.schemas import MeOut, OfficialCreated, OfficialIn
from sopengine.db.models import Official
from sopengine.domain.roles import Role
from sopengine.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from sopengine.services import officials

router = APIRouter(tags=["officials"])

Admin = Annotated[Official, require(Role.ADMIN)]


@router.post(
    "/officials",
    status_code=status.HTTP_201_CREATED,
    response_model=OfficialCreated,
    responses=responses(Unauthorized, Forbidden, Conflict, ValidationFailed),
    summary="Create an official and its first API token (shown once)",
)
def create_official(body: OfficialIn, session: SessionDep, admin: Admin) -> OfficialCreated:
    official, token = officials.create_official(
        session,
        admin,
        officials.NewOfficial(
            name=body.name,
            roles=[r.value for r in body.roles],
            ministry=body.ministry,
            position=body.position,
            email=body.email,
        ),
    )
    return OfficialCreated(
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


@router.get("/me", response_model=MeOut, responses=responses(Unauthorized))
def me(official: CurrentOfficial) -> MeOut:
    return MeOut(
        id=official.id,
        name=official.name,
        position=official.position,
        ministry=official.ministry_code,
        roles=official.roles,
    )
