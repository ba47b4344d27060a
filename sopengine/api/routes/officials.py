"""Officials, managed by admins: people (invited) and ministries' systems (given tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from sopengine.api.deps import RowId, SessionDep, SettingsDep, allowed_to
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.representations import token_out
from sopengine.api.schemas.me import OwnTokenOut
from sopengine.api.schemas.officials import (
    InvitationOut,
    OfficialCreated,
    OfficialIn,
    OfficialOut,
    OfficialPatch,
    RevokedOut,
    TokenIn,
    TokenOut,
)
from sopengine.db.models import Official
from sopengine.domain.permissions import Action
from sopengine.domain.roles import Kind
from sopengine.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from sopengine.services import invitations, officials

router = APIRouter(tags=["officials"])

Admin = Annotated[Official, allowed_to(Action.MANAGE_OFFICIALS)]


def official_out(o: Official) -> OfficialOut:
    return OfficialOut(
        id=o.id,
        name=o.name,
        position=o.position,
        email=o.email,
        ministry=o.ministry_code,
        roles=o.roles,
        kind=Kind(o.kind),
        active=o.active,
        created_at=o.created_at,
    )


@router.post(
    "/officials",
    status_code=status.HTTP_201_CREATED,
    response_model=OfficialCreated,
    responses=responses(Unauthorized, Forbidden, Conflict, ValidationFailed),
    summary="Create a person (answers an invitation link) or a ministry's system (answers a "
    "token, shown once)",
)
def create_official(
    body: OfficialIn, session: SessionDep, settings: SettingsDep, admin: Admin, once: Once
) -> JSONResponse:
    new = officials.NewOfficial(
        name=body.name,
        roles=[r.value for r in body.roles],
        ministry=body.ministry,
        position=body.position,
        email=body.email,
        kind=body.kind,
    )
    official = officials.create_official(session, admin, new)
    created = OfficialCreated(**official_out(official).model_dump())
    if official.kind == Kind.SYSTEM:
        _, created.token = officials.token_for_system(session, admin, official)
    else:
        invited = invitations.issue(session, settings, admin, official)
        created.invitation_url, created.invitation_expires_at = invited.url, invited.expires_at
    return once.answer(201, created)


@router.post(
    "/officials/{official_id}/invitation",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationOut,
    responses=responses(Unauthorized, Forbidden, NotFound, Conflict),
    summary="Issue a new invitation link (earlier links stop working; an existing password "
    "is cleared and the person is signed out everywhere)",
)
def invite(
    official_id: RowId, session: SessionDep, settings: SettingsDep, admin: Admin, once: Once
) -> JSONResponse:
    person = officials.get_official(session, official_id)
    issued = invitations.issue(session, settings, admin, person)
    return once.answer(
        201,
        InvitationOut(
            official_id=person.id, invitation_url=issued.url, expires_at=issued.expires_at
        ),
    )


@router.patch(
    "/officials/{official_id}",
    response_model=OfficialOut,
    responses=responses(Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed),
    summary="Deactivate (ends every session and token at once) or reactivate an official",
)
def patch_official(
    official_id: RowId, body: OfficialPatch, session: SessionDep, admin: Admin
) -> OfficialOut:
    official = officials.get_official(session, official_id)
    return official_out(officials.set_active(session, admin, official, body.active))


@router.post(
    "/officials/{official_id}/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenOut,
    responses=responses(Unauthorized, Forbidden, NotFound, ValidationFailed),
    summary="Issue another API token for a ministry's system (shown once); people issue their "
    "own tokens",
)
def issue_token(
    official_id: RowId,
    session: SessionDep,
    admin: Admin,
    once: Once,
    body: TokenIn | None = None,
) -> JSONResponse:
    official = officials.get_official(session, official_id)
    wanted = body or TokenIn()
    token, value = officials.token_for_system(
        session, admin, official, wanted.label, wanted.expires_at
    )
    out = TokenOut(
        official_id=official.id, token_id=token.id, expires_at=token.expires_at, token=value
    )
    return once.answer(201, out)


@router.get(
    "/officials/{official_id}/tokens",
    response_model=list[OwnTokenOut],
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="An official's API tokens, without their secrets",
)
def list_tokens(official_id: RowId, session: SessionDep, admin: Admin) -> list[OwnTokenOut]:
    official = officials.get_official(session, official_id)
    return [token_out(t) for t in officials.tokens_of(session, official)]


@router.delete(
    "/officials/{official_id}/tokens/{token_id}",
    response_model=OwnTokenOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="Revoke one API token of an official (its other tokens keep working)",
)
def revoke_token(
    official_id: RowId, token_id: RowId, session: SessionDep, admin: Admin
) -> OwnTokenOut:
    official = officials.get_official(session, official_id)
    return token_out(officials.revoke_token(session, admin, official, token_id))


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
