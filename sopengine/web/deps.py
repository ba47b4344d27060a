"""Who is looking at a page, in which language, and the form checks every page shares."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from sopengine.api.deps import SessionDep, SettingsDep, client_address
from sopengine.db.models import Official, WebSession
from sopengine.domain import permissions
from sopengine.domain.permissions import Action
from sopengine.domain.workflow import Facts
from sopengine.errors import Forbidden, SopError, Unauthorized
from sopengine.observability import context as request_context
from sopengine.services import ministries, signin
from sopengine.web import labels
from sopengine.web.i18n import Lang, chosen
from sopengine.web.render import page

LANG_COOKIE = "sopengine_lang"


class SignInRequired(Exception):
    """The page needs a signed-in person: send the browser to the sign-in page."""


@dataclass(frozen=True)
class Viewer:
    official: Official | None
    web_session: WebSession | None
    lang: Lang
    csrf: str = ""
    address: str = ""

    @property
    def person(self) -> Official:
        assert self.official is not None, "only on pages that need a signed-in person"
        return self.official


def viewer(request: Request, session: SessionDep, settings: SettingsDep) -> Viewer:
    cookie = request.cookies.get(signin.SESSION_COOKIE)
    official: Official | None = None
    web: WebSession | None = None
    if cookie:
        try:
            official, web, _ = signin.authenticate(session, settings, cookie)
            request.state.official_id = official.id
            request_context.identify(official.id)
        except Unauthorized:
            official = None
    lang = chosen(
        official.language if official else None,
        request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language", ""),
    )
    csrf = signin.csrf_for(cookie) if official is not None and cookie else ""
    return Viewer(official, web, lang, csrf, client_address(request))


AnyViewer = Annotated[Viewer, Depends(viewer)]
"""Whoever looks, signed in or not."""


def signed_in(viewer: AnyViewer) -> Viewer:
    if viewer.official is None:
        raise SignInRequired()
    return viewer


Person = Annotated[Viewer, Depends(signed_in)]
"""A signed-in person (others are sent to the sign-in page)."""


async def form_data(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


def check_csrf(viewer: Viewer, form: FormData) -> None:
    """Every form a signed-in person posts carries the session's CSRF token."""
    if viewer.web_session is None:
        raise Forbidden("sign in first")
    token = form.get("csrf_token")
    signin.check_csrf(viewer.web_session, token if isinstance(token, str) else None)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def keep_and_recover(session: Session, error: SopError) -> None:
    """A refusal shown as a page (not raised): undo the request's work, keep what the refusal
    must keep (a failed password check), as the API's transaction does for its errors."""
    session.rollback()
    if error.keep is not None:
        error.keep(session)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


class PageRoute(APIRoute):
    """Routes of pages: a page that needs a person sends others to sign in; a refusal or a
    missing thing is an HTML page in the viewer's language, not a JSON problem."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = "/sign-in?next=" + quote(request.url.path, safe="/")
                if request.headers.get("HX-Request") == "true":
                    return Response(status_code=204, headers={"HX-Redirect": target})
                return redirect(target)
            except SopError as error:
                lang = chosen(
                    request.cookies.get(LANG_COOKIE),
                    accept_language=request.headers.get("accept-language", ""),
                )
                return page(request, "error.html", lang, status_code=error.status, error=error)

        return handle


def problem_lines(error: SopError) -> list[Any]:
    """Field errors of a 422, for the error summary."""
    errors = error.extensions.get("errors")
    return list(errors) if isinstance(errors, list) else []


@dataclass(frozen=True)
class MinistryNames:
    """The ministries' names in both languages, read once per page."""

    names: dict[str, tuple[str, str]]

    def name(self, code: str, lang: str) -> str:
        en, ar = self.names.get(code, (code, code))
        return ar if lang == "ar" else en

    @property
    def codes(self) -> list[str]:
        return list(self.names)


def show(
    request: Request,
    session: Session,
    viewer: Viewer,
    template: str,
    *,
    status_code: int = 200,
    block: str | None = None,
    **context: Any,
) -> Response:
    """A page with what every page shows: the menu the rule book allows, ministry names."""
    who = viewer.official
    menu = {
        "create_sop": who is not None
        and permissions.may(Action.CREATE_SOP, who, Facts(lead_ministry=who.ministry_code)),
        "audit": who is not None and permissions.may(Action.READ_AUDIT, who),
        "officials": who is not None and permissions.may(Action.MANAGE_OFFICIALS, who),
    }
    names = MinistryNames(
        {m.code: (m.name_en, m.name_ar) for m in ministries.list_ministries(session)}
    )
    return page(
        request,
        template,
        viewer.lang,
        status_code=status_code,
        block=block,
        viewer=viewer,
        menu=menu,
        ministries=names,
        labels=labels,
        **context,
    )
