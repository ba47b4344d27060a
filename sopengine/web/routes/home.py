"""Home: what needs me."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sopengine.api.deps import SessionDep
from sopengine.db.base import utcnow
from sopengine.domain.roles import Role
from sopengine.services import dashboard
from sopengine.web.deps import PageRoute, Person, show

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request, session: SessionDep, viewer: Person) -> Response:
    me = viewer.person
    ministry = me.ministry_code
    roles = set(me.roles)
    central = Role.FACILITATOR in roles
    return show(
        request,
        session,
        viewer,
        "home.html",
        awaiting=dashboard.awaiting(session, ministry)
        if Role.SIGNATORY in roles and ministry
        else [],
        drafts=dashboard.drafts(session, None if central else ministry)
        if central or Role.DRAFTER in roles
        else [],
        sent_back=dashboard.sent_back(session, None if central else ministry)
        if central or Role.DRAFTER in roles
        else [],
        rounds=dashboard.open_rounds(session) if central else [],
        reviews_due=dashboard.reviews_due(session),
        today=utcnow().date(),
    )
