"""The audit log, read by facilitators and admins: filtered by SOP, paged, and its hash chain
verified on request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from sopengine.api.deps import SessionDep, SettingsDep
from sopengine.api.pagination import decode_cursor, encode_cursor
from sopengine.db.models import AuditEvent
from sopengine.domain import permissions
from sopengine.domain.audit_chain import ChainReport
from sopengine.domain.permissions import Action
from sopengine.services import audit, checkpoints, roster
from sopengine.web import audit_view
from sopengine.web.deps import Form, PageRoute, Person, Viewer, check_csrf, show, text

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50


def _officials_named(events: list[AuditEvent]) -> Iterator[int | None]:
    """Who acted, and whom an event is about: one query for the names of a whole page."""
    for event in events:
        yield event.actor_id
        subject = event.details.get("official_id")
        if isinstance(subject, int):
            yield subject


def _audit_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    sop: str,
    cursor: str,
    report: ChainReport | None = None,
) -> Response:
    page = audit.list_events(
        session,
        after_seq=decode_cursor(cursor or None).after,
        limit=PAGE_SIZE,
        sop_code=sop or None,
    )
    next_url = None
    if page.has_more:
        query = {
            **({"sop": sop} if sop else {}),
            "cursor": encode_cursor(after=page.events[-1].seq),
        }
        next_url = "/audit?" + urlencode(query)
    return show(
        request,
        session,
        viewer,
        "audit.html",
        events=page.events,
        names=roster.names(session, _officials_named(page.events)),
        view=audit_view,
        sop=sop,
        first_page=not cursor,
        next_url=next_url,
        report=report,
    )


@router.get("/audit")
def audit_log(
    request: Request,
    session: SessionDep,
    viewer: Person,
    sop: Annotated[str, Query(max_length=40)] = "",
    cursor: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    permissions.authorize(Action.READ_AUDIT, viewer.person)
    return _audit_page(request, session, viewer, sop.strip().upper(), cursor)


@router.post("/audit/verify")
def verify_chain(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: Person, form: Form
) -> Response:
    check_csrf(viewer, form)
    permissions.authorize(Action.READ_AUDIT, viewer.person)
    report = audit.verify(session, checkpoints.public_keys(settings))
    return _audit_page(request, session, viewer, text(form, "sop").upper(), "", report)
