"""Signing in and out (a session cookie for people), and accepting an invitation."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response, status

from sopengine.api.deps import CurrentCaller, SessionDep, SettingsDep, client_address
from sopengine.api.problems import responses
from sopengine.api.routes.me import me_out
from sopengine.api.schemas.me import MeOut
from sopengine.api.schemas.session import AcceptIn, SignedInOut, SignInIn
from sopengine.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from sopengine.services import invitations, signin

router = APIRouter(tags=["signing in"])


@router.post(
    "/session",
    response_model=SignedInOut,
    responses=responses(Unauthorized, TooManyRequests, ValidationFailed),
    summary="Sign in with e-mail and password: sets the session cookie",
    description="A wrong password, an unknown address and a locked account (after "
    "repeated failures) all answer the same 401.",
)
def sign_in(
    body: SignInIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> SignedInOut:
    done = signin.sign_in(session, settings, body.email, body.password, client_address(request))
    response.set_cookie(
        signin.SESSION_COOKIE,
        done.session_id,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return SignedInOut(
        official=me_out(done.official), csrf_token=done.csrf_token, expires_at=done.expires_at
    )


@router.delete(
    "/session",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(Unauthorized, Forbidden),
    summary="Sign out this session",
)
def sign_out(caller: CurrentCaller, session: SessionDep) -> Response:
    if caller.web_session is None:
        raise Forbidden("this request is not made with a session; there is nothing to sign out")
    signin.sign_out(session, caller.official, caller.web_session)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(signin.SESSION_COOKIE, path="/")
    return response


@router.delete(
    "/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(Unauthorized, Forbidden),
    summary="Sign out everywhere: every session of yours ends",
)
def sign_out_everywhere(caller: CurrentCaller, session: SessionDep) -> Response:
    signin.sign_out_everywhere(session, caller.official)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(signin.SESSION_COOKIE, path="/")
    return response


@router.post(
    "/invitations/{token}/accept",
    response_model=MeOut,
    responses=responses(NotFound, Gone, Conflict, ValidationFailed),
    summary="Choose a password with an invitation (no authentication: the link is the credential)",
)
def accept_invitation(
    body: AcceptIn,
    session: SessionDep,
    settings: SettingsDep,
    token: str = Path(min_length=10, max_length=100),
) -> MeOut:
    return me_out(invitations.accept(session, settings, token, body.password, body.email))
