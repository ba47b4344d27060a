"""The caller itself: who it is, a person's own API tokens, a person's password."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from sopengine.api.deps import CurrentCaller, CurrentOfficial, RowId, SessionDep, SettingsDep
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.representations import token_out
from sopengine.api.schemas.me import (
    MeOut,
    OwnTokenCreated,
    OwnTokenIn,
    OwnTokenOut,
    PasswordChangeIn,
)
from sopengine.db.models import Official
from sopengine.domain.roles import Kind
from sopengine.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from sopengine.services import officials, signin

router = APIRouter(tags=["me"])


def me_out(o: Official) -> MeOut:
    return MeOut(
        id=o.id,
        name=o.name,
        position=o.position,
        email=o.email,
        ministry=o.ministry_code,
        roles=o.roles,
        kind=Kind(o.kind),
    )


@router.get("/me", response_model=MeOut, responses=responses(Unauthorized))
def me(official: CurrentOfficial) -> MeOut:
    return me_out(official)


@router.post(
    "/me/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=OwnTokenCreated,
    responses=responses(Unauthorized, Forbidden, ValidationFailed),
    summary="Issue yourself an API token (signed in with your password; shown once)",
)
def issue_own_token(
    body: OwnTokenIn, caller: CurrentCaller, session: SessionDep, once: Once
) -> JSONResponse:
    if not caller.by_session:
        raise Forbidden("sign in with your password (a session) to issue yourself a token")
    token, value = officials.own_token(session, caller.official, body.label, body.expires_at)
    return once.answer(201, OwnTokenCreated(**token_out(token).model_dump(), token=value))


@router.get(
    "/me/tokens",
    response_model=list[OwnTokenOut],
    responses=responses(Unauthorized),
    summary="Your API tokens, without their secrets",
)
def list_own_tokens(official: CurrentOfficial, session: SessionDep) -> list[OwnTokenOut]:
    return [token_out(t) for t in officials.tokens_of(session, official)]


@router.delete(
    "/me/tokens/{token_id}",
    response_model=OwnTokenOut,
    responses=responses(Unauthorized, NotFound),
    summary="Revoke one of your API tokens",
)
def revoke_own_token(
    token_id: RowId, official: CurrentOfficial, session: SessionDep
) -> OwnTokenOut:
    return token_out(officials.revoke_own_token(session, official, token_id))


@router.put(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(Unauthorized, Forbidden, ValidationFailed),
    summary="Change your password (needs the current one)",
)
def change_password(
    body: PasswordChangeIn, caller: CurrentCaller, session: SessionDep, settings: SettingsDep
) -> Response:
    signin.change_password(
        session, settings, caller.official, body.current_password, body.new_password, caller.address
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
