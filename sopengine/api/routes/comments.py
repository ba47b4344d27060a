"""Comments anchored to places in a version's content."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from sopengine.api.deps import CurrentOfficial, CurrentVersion, RowId, SessionDep
from sopengine.api.idempotent import Once
from sopengine.api.problems import responses
from sopengine.api.representations import comment_out
from sopengine.api.schemas.comments import CommentIn, CommentOut, CommentPatch
from sopengine.errors import Forbidden, InvalidTransition, NotFound, Unauthorized, ValidationFailed
from sopengine.services import comments

router = APIRouter(tags=["review and sign-off"])

COMMENTS = "/sops/{code}/versions/{number}/comments"


@router.get(COMMENTS, response_model=list[CommentOut], responses=responses(Unauthorized, NotFound))
def list_comments(version: CurrentVersion, session: SessionDep) -> list[CommentOut]:
    return [comment_out(c) for c in comments.list_comments(session, version)]


@router.post(
    COMMENTS,
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    responses=responses(Unauthorized, Forbidden, NotFound, InvalidTransition, ValidationFailed),
    summary="Comment on a place in the content (anchor), optionally replying to a comment",
    description="Accepted while the version is in draft or in review, from facilitators and "
    "officials of the ministries it binds.",
)
def add_comment(
    version: CurrentVersion,
    body: CommentIn,
    session: SessionDep,
    official: CurrentOfficial,
    once: Once,
) -> JSONResponse:
    comment = comments.add_comment(
        session, official, version, body.anchor, body.body, body.parent_id
    )
    return once.answer(201, comment_out(comment))


@router.patch(
    COMMENTS + "/{comment_id}",
    response_model=CommentOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="Resolve or reopen a comment",
)
def patch_comment(
    version: CurrentVersion,
    comment_id: RowId,
    body: CommentPatch,
    session: SessionDep,
    official: CurrentOfficial,
) -> CommentOut:
    return comment_out(comments.set_resolved(session, official, version, comment_id, body.resolved))
