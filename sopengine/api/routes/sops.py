from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from sopengine.api import etag as etags
from sopengine.api.deps import (
    Bearer,
    CurrentOfficial,
    CurrentSop,
    SessionCookie,
    SessionDep,
    SettingsDep,
    SopCode,
    VersionForUpdate,
    VersionNumber,
    identify_reader,
    transaction,
)
from sopengine.api.idempotent import Once
from sopengine.api.pagination import Cursor, Limit, decode_cursor, encode_cursor
from sopengine.api.problems import responses
from sopengine.api.representations import (
    created_version_headers,
    version_headers,
    version_json,
    version_out,
)
from sopengine.api.schemas.common import IsoDay
from sopengine.api.schemas.sops import (
    ContentUpdate,
    LatestVersion,
    ReviseIn,
    SnippetOut,
    SopCreate,
    SopListItem,
    SopOut,
    SopPage,
    TextFields,
    VersionSummary,
)
from sopengine.api.schemas.versions import VersionOut
from sopengine.api.version_cache import Answer, Key, VersionCache
from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Official, Sop
from sopengine.domain import permissions
from sopengine.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
    ValidationFailed,
)
from sopengine.services import drafting, facts, listing, sops
from sopengine.services.templates import get_template

router = APIRouter(tags=["sops"])


def _text(body: TextFields) -> drafting.TextInput:
    return drafting.TextInput(
        title=body.title,
        languages=body.languages,
        primary_language=body.primary_language,
        required_ministries=body.required_ministries,
        content=body.content,
    )


def sop_out(sop: Sop, official: Official) -> SopOut:
    return SopOut(
        code=sop.code,
        thematic_area=sop.thematic_area,
        lead_ministry=sop.lead_ministry_code,
        created_at=sop.created_at,
        applied_version=sops.applied_number(sop),
        versions=[
            VersionSummary(
                number=v.number,
                state=v.state,
                title=v.title,
                content_hash=v.content_hash,
                change_summary=v.change_summary,
                created_at=v.created_at,
                updated_at=v.updated_at,
            )
            for v in sop.versions
        ],
        available_actions=permissions.available_actions(
            official, facts.of_sop(sop, sop.versions), permissions.SOP_ACTIONS
        ),
    )


@router.post(
    "/sops",
    status_code=status.HTTP_201_CREATED,
    response_model=VersionOut,
    responses=responses(Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed),
    summary="Create an SOP with version 1 in draft, from explicit content or a template",
)
def create_sop(
    body: SopCreate,
    session: SessionDep,
    settings: SettingsDep,
    official: CurrentOfficial,
    once: Once,
) -> JSONResponse:
    template = get_template(settings.templates_dir, body.template) if body.template else None
    new = sops.NewSop(
        code=body.code,
        text=_text(body),
        thematic_area=body.thematic_area,
        lead_ministry=body.lead_ministry,
        template=template,
    )
    version = sops.create_sop(session, official, new)
    return once.answer(
        201, version_out(session, version, official), created_version_headers(version)
    )


@router.get(
    "/sops",
    response_model=SopPage,
    responses=responses(Unauthorized, BadRequest),
    summary="List SOPs, filtered; with q, ranked full-text hits with a highlighted snippet",
)
async def list_sops(
    request: Request,
    credentials: Bearer,
    cookie: SessionCookie,
    thematic_area: Annotated[str | None, Query(max_length=40)] = None,
    ministry: Annotated[
        str | None, Query(max_length=16, description="Lead or binding ministry")
    ] = None,
    state: Annotated[
        str | None, Query(max_length=20, description="SOPs having a version in this state")
    ] = None,
    awaiting: Annotated[
        str | None,
        Query(max_length=16, description="In review, waiting for this ministry's decision"),
    ] = None,
    review_due_before: Annotated[
        IsoDay | None, Query(description="Applied SOPs whose periodic review is due by this date")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=500, description="Full text, English and Arabic (diacritics ignored)"),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> SopPage:
    """Like a version read, one trip to the thread pool (``_read_version``)."""
    filters = listing.SopFilters(
        thematic_area=thematic_area,
        ministry=ministry,
        state=state,
        awaiting=awaiting,
        review_due_before=review_due_before,
        q=q,
    )
    return await run_in_threadpool(_list_page, request, credentials, cookie, filters, cursor, limit)


def _list_page(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    cookie: str | None,
    filters: listing.SopFilters,
    cursor: str | None,
    limit: int | None,
) -> SopPage:
    settings: Settings = request.app.state.settings
    with transaction(request) as session:
        identify_reader(request, session, settings, credentials, cookie)
        size = min(limit or settings.page_size_default, settings.page_size_max)
        position = decode_cursor(cursor)
        page = listing.list_sops(
            session,
            filters,
            after_id=position.after,
            offset=position.offset,
            limit=size,
            window=settings.search_window,
        )
        items = [_item(i) for i in page.items]
    if page.next_after is not None:
        next_cursor: str | None = encode_cursor(after=page.next_after)
    elif page.next_offset is not None:
        next_cursor = encode_cursor(offset=page.next_offset)
    else:
        next_cursor = None
    return SopPage(items=items, next_cursor=next_cursor)


def _item(i: listing.SopListing) -> SopListItem:
    return SopListItem(
        code=i.sop.code,
        thematic_area=i.sop.thematic_area,
        lead_ministry=i.sop.lead_ministry_code,
        title=i.latest.title,
        latest_version=LatestVersion(number=i.latest.number, state=i.latest.state),
        applied_version=i.applied_number,
        review_due=i.applied_review_due,
        rank=i.rank,
        snippet=SnippetOut(text=i.snippet.text, language=i.snippet.language, where=i.snippet.where)
        if i.snippet
        else None,
    )


@router.get("/sops/{code}", response_model=SopOut, responses=responses(Unauthorized, NotFound))
def get_sop(sop: CurrentSop, official: CurrentOfficial) -> SopOut:
    return sop_out(sop, official)


@router.post(
    "/sops/{code}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=VersionOut,
    responses=responses(Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed),
    summary="Revise: open version N+1 in draft from the latest version's text",
)
def revise(
    code: SopCode, body: ReviseIn, session: SessionDep, official: CurrentOfficial, once: Once
) -> JSONResponse:
    new = sops.revise(session, official, code, body.change_summary)
    return once.answer(201, version_out(session, new, official), created_version_headers(new))


@router.get(
    "/sops/{code}/versions/{number}",
    response_model=VersionOut,
    responses=responses(Unauthorized, NotFound),
    response_description="The version; its ETag header is needed to edit it",
)
async def get_version(
    request: Request,
    code: SopCode,
    number: VersionNumber,
    credentials: Bearer,
    cookie: SessionCookie,
) -> Response:
    """The most frequent request is one trip to the thread pool: the transaction, the
    caller's check and the version, answered from the version cache while nothing changed."""
    return await run_in_threadpool(_read_version, request, code, number, credentials, cookie)


def _read_version(
    request: Request,
    code: str,
    number: int,
    credentials: HTTPAuthorizationCredentials | None,
    cookie: str | None,
) -> Response:
    cache: VersionCache = request.app.state.version_cache
    with transaction(request) as session:
        settings = request.app.state.settings
        reader, head = identify_reader(request, session, settings, credentials, cookie)
        key = Key(code, number, reader, utcnow().date(), head)
        answer = cache.get(key)
        if answer is None:
            version, content = sops.version_to_read(session, code, number)
            body = version_json(session, version, reader, content)
            answer = Answer(body, etags.etag(version))
            cache.put(key, answer)
    return Response(answer.body, media_type="application/json", headers={"ETag": answer.etag})


@router.put(
    "/sops/{code}/versions/{number}/content",
    response_model=VersionOut,
    responses=responses(
        Unauthorized,
        Forbidden,
        NotFound,
        InvalidTransition,
        PreconditionFailed,
        PreconditionRequired,
        ValidationFailed,
    ),
    summary="Replace a draft version's text (needs If-Match with the version's ETag)",
)
def put_content(
    body: ContentUpdate,
    version: VersionForUpdate,
    session: SessionDep,
    official: CurrentOfficial,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> VersionOut:
    etags.require_match(if_match, version)
    drafting.update_text(session, official, version, _text(body), body.change_summary)
    response.headers.update(version_headers(version))
    return version_out(session, version, official)
