"""E-mail notices: the ones kept (admins), and each official's address and preferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sopengine.api.deps import CurrentOfficial, RowId, SessionDep, SettingsDep, allowed_to
from sopengine.api.pagination import Cursor, Limit, decode_cursor, encode_cursor
from sopengine.api.problems import responses
from sopengine.api.schemas.notices import (
    NoticeAttemptOut,
    NoticeOut,
    NoticePage,
    NoticeSettingsIn,
    NoticeSettingsOut,
)
from sopengine.db.models import Notice, NoticeAttempt, Official
from sopengine.domain.notices import Mode, Status
from sopengine.domain.permissions import Action
from sopengine.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from sopengine.services import notice_settings, officials, smtp_client

router = APIRouter(tags=["notices"])

Admin = Annotated[Official, allowed_to(Action.READ_NOTICES)]


def settings_out(found: notice_settings.NoticeSettings) -> NoticeSettingsOut:
    return NoticeSettingsOut(
        official_id=found.official.id,
        email=found.official.email,
        language=found.official.language,
        preferences={k: Mode(v) for k, v in found.preferences.items()},
        fixed=found.fixed,
    )


def notice_out(n: Notice, attempts: list[NoticeAttempt]) -> NoticeOut:
    return NoticeOut(
        id=n.id,
        official_id=n.official_id,
        official_name=n.official.name,
        kind=n.kind,
        event_type=n.event_type,
        sop_code=n.sop_code,
        mode=n.mode,
        status=n.status,
        attempts=n.attempts,
        last_error=n.last_error,
        message_id=n.message_id,
        digest_of=n.digest_of,
        digest_id=n.digest_id,
        created_at=n.created_at,
        delivered_at=n.delivered_at,
        attempt_log=[NoticeAttemptOut.model_validate(a, from_attributes=True) for a in attempts],
    )


def _changes(body: NoticeSettingsIn) -> notice_settings.Changes:
    return notice_settings.Changes(
        email=body.email if "email" in body.model_fields_set else notice_settings.UNCHANGED,
        preferences={k.value: v.value for k, v in body.preferences.items()},
    )


@router.get(
    "/notices",
    response_model=NoticePage,
    responses=responses(Unauthorized, Forbidden, BadRequest),
    summary="E-mail notices kept and sent, with every attempt (admins)",
)
def list_notices(
    session: SessionDep,
    settings: SettingsDep,
    admin: Admin,
    status: Annotated[Status | None, Query(description="Only notices in this state")] = None,
    official: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only to him or her")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> NoticePage:
    size = min(limit or settings.page_size_default, settings.page_size_max)
    page = notice_settings.list_notices(
        session,
        admin,
        status=status,
        official_id=official,
        after=decode_cursor(cursor).after,
        limit=size,
    )
    return NoticePage(
        items=[notice_out(n, a) for n, a in page.items],
        next_cursor=encode_cursor(after=page.next_cursor) if page.next_cursor else None,
        sending=smtp_client.configured(settings),
    )


@router.get(
    "/me/notice-settings",
    response_model=NoticeSettingsOut,
    responses=responses(Unauthorized),
    summary="Your e-mail address and which notices you receive, and how often",
)
def my_settings(official: CurrentOfficial, session: SessionDep) -> NoticeSettingsOut:
    return settings_out(notice_settings.read(session, official, official))


@router.patch(
    "/me/notice-settings",
    response_model=NoticeSettingsOut,
    responses=responses(Unauthorized, Conflict, ValidationFailed),
    summary="Change your e-mail address or notice preferences",
)
def change_my_settings(
    body: NoticeSettingsIn, official: CurrentOfficial, session: SessionDep
) -> NoticeSettingsOut:
    return settings_out(notice_settings.update(session, official, official, _changes(body)))


@router.get(
    "/officials/{official_id}/notice-settings",
    response_model=NoticeSettingsOut,
    responses=responses(Unauthorized, Forbidden, NotFound),
    summary="An official's e-mail address and notice preferences (admins, or the official)",
)
def official_settings(
    official_id: RowId, actor: CurrentOfficial, session: SessionDep
) -> NoticeSettingsOut:
    target = officials.get_official(session, official_id)
    return settings_out(notice_settings.read(session, actor, target))


@router.patch(
    "/officials/{official_id}/notice-settings",
    response_model=NoticeSettingsOut,
    responses=responses(Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed),
    summary="Set an official's e-mail address or notice preferences (admins, or the official)",
)
def change_official_settings(
    official_id: RowId, body: NoticeSettingsIn, actor: CurrentOfficial, session: SessionDep
) -> NoticeSettingsOut:
    target = officials.get_official(session, official_id)
    return settings_out(notice_settings.update(session, actor, target, _changes(body)))
