"""Workflow actions, sign-offs, revisions and comments."""

from __future__ import annotations

from fastapi import APIRouter, Body, Path, Request, Response, status
from fastapi.responses import JSONResponse

from sopengine.api import etag as etags
from sopengine.api.deps import (
    CurrentOfficial,
    RowId,
    SessionDep,
    SettingsDep,
    SopCode,
    VersionForUpdate,
    VersionNumber,
)
from sopengine.api.idempotent import IdempotencyKeyHeader, respond_once
from sopengine.api.problems import responses
from sopengine.api.representations import (
    comment_out,
    created_version,
    signoff_records,
    version_out,
)
from sopengine.api.schemas import (
    ActionIn,
    CommentIn,
    CommentOut,
    CommentPatch,
    ReviseIn,
    SignoffIn,
    SignoffRecord,
    VersionOut,
)
from sopengine.domain.content import MinistryCode
from sopengine.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleContentHash,
    Unauthorized,
    ValidationFailed,
)
from sopengine.services import comments, sops
from sopengine.services import workflow as flow

router = APIRouter(tags=["review and sign-off"])

VERSION = "/sops/{code}/versions/{number}"


@router.post(
    VERSION + "/actions/{action}",
    response_model=VersionOut,
    responses=responses(Unauthorized, Forbidden, NotFound, InvalidTransition, ValidationFailed),
    summary="Fire a workflow action: submit, recall, apply or withdraw",
    description="Illegal in the current state: 409 naming the state and the allowed actions. "
    "`apply` needs `effective_date`; `withdraw` needs `reason`; `submit` may set `respond_by`.",
)
def act(
    request: Request,
    version: VersionForUpdate,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    idempotency_key: IdempotencyKeyHeader = None,
    action: str = Path(max_length=20),
    body: ActionIn | None = Body(default=None),
) -> JSONResponse:
    data = body or ActionIn()

    def run() -> tuple[int, VersionOut, dict[str, str]]:
        flow.perform(
            session, settings, official, version, action,
            flow.ActionInput(effective_date=data.effective_date, reason=data.reason,
                             respond_by=data.respond_by),
        )  # fmt: skip
        return 200, version_out(session, version, official), {"ETag": etags.etag(version)}

    return respond_once(session, settings, official, request, idempotency_key, data, run)


@router.put(
    VERSION + "/signoffs/{ministry}",
    response_model=VersionOut,
    responses=responses(
        Unauthorized, Forbidden, NotFound, InvalidTransition, StaleContentHash, ValidationFailed
    ),
    summary="Record a ministry's decision on the text with this content hash",
)
def sign(
    request: Request,
    body: SignoffIn,
    version: VersionForUpdate,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    ministry: MinistryCode = Path(),
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    def run() -> tuple[int, VersionOut, dict[str, str]]:
        flow.record_signoff(
            session, official, version, ministry,
            flow.SignOffInput(decision=body.decision, content_hash=body.content_hash,
                              comment=body.comment),
        )  # fmt: skip
        return 200, version_out(session, version, official), {"ETag": etags.etag(version)}

    return respond_once(session, settings, official, request, idempotency_key, body, run)


@router.get(
    VERSION + "/signoffs",
    response_model=list[SignoffRecord],
    responses=responses(Unauthorized, NotFound),
    summary="Every sign-off ever recorded on this version (append-only)",
)
def signoff_history(
    code: SopCode, number: VersionNumber, session: SessionDep, _: CurrentOfficial
) -> list[SignoffRecord]:
    version = sops.get_version(session, code, number)
    return signoff_records(version, flow.load_signoffs(session, version))


@router.post(
    "/sops/{code}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=VersionOut,
    responses=responses(Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed),
    summary="Revise: open version N+1 in draft from the latest version's text",
)
def revise(
    request: Request,
    code: SopCode,
    body: ReviseIn,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    def run() -> tuple[int, VersionOut, dict[str, str]]:
        new = flow.revise(session, official, code, body.change_summary)
        return created_version(session, new, official)

    return respond_once(session, settings, official, request, idempotency_key, body, run)


@router.get(
    VERSION + "/comments",
    response_model=list[CommentOut],
    responses=responses(Unauthorized, NotFound),
)
def list_comments(
    code: SopCode, number: VersionNumber, session: SessionDep, _: CurrentOfficial
) -> list[CommentOut]:
    version = sops.get_version(session, code, number)
    return [comment_out(c) for c in comments.list_comments(session, version)]


@router.post(
    VERSION + "/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    responses=responses(Unauthorized, Forbidden, NotFound, ValidationFailed),
    summary="Comment on a place in the content (anchor), optionally replying to a comment",
)
def add_comment(
    request: Request,
    code: SopCode,
    number: VersionNumber,
    body: CommentIn,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    def run() -> tuple[int, CommentOut, dict[str, str]]:
        version = sops.get_version(session, code, number)
        c = comments.add_comment(session, official, version, body.anchor, body.body, body.parent_id)
        return 201, comment_out(c), {}

    return respond_once(session, settings, official, request, idempotency_key, body, run)


@router.patch(
    VERSION + "/comments/{comment_id}",
    response_model=CommentOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="Resolve or reopen a comment",
)
def patch_comment(
    code: SopCode,
    number: VersionNumber,
    comment_id: RowId,
    body: CommentPatch,
    session: SessionDep,
    official: CurrentOfficial,
    response: Response,
) -> CommentOut:
    version = sops.get_version(session, code, number)
    return comment_out(comments.set_resolved(session, official, version, comment_id, body.resolved))
