"""The official's own e-mail notice settings: the address, and each kind's preference."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from sopengine.api.deps import SessionDep
from sopengine.domain.notices import Kind
from sopengine.errors import Conflict, ValidationFailed
from sopengine.services import notice_settings
from sopengine.urls import NOTICE_SETTINGS_PAGE
from sopengine.web.deps import Form, PageRoute, Person, check_csrf, keep_and_recover, show, text

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _show(
    request: Request,
    session: SessionDep,
    viewer: Person,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    email: str | None = None,
    chosen: dict[str, str] | None = None,
) -> Response:
    current = notice_settings.read(session, viewer.person, viewer.person)
    return show(
        request,
        session,
        viewer,
        "notice_settings.html",
        status_code=status_code,
        errors=errors or {},
        saved=saved,
        email=viewer.person.email or "" if email is None else email,
        preferences=chosen or current.preferences,
        fixed=current.fixed,
        kinds=[k.value for k in Kind],
    )


@router.get(NOTICE_SETTINGS_PAGE)
def notice_settings_page(request: Request, session: SessionDep, viewer: Person) -> Response:
    return _show(request, session, viewer)


@router.post(NOTICE_SETTINGS_PAGE)
def save_notice_settings(
    request: Request, session: SessionDep, viewer: Person, form: Form
) -> Response:
    check_csrf(viewer, form)
    _ = viewer.lang.gettext
    email = text(form, "email")
    chosen = {k.value: text(form, f"pref-{k.value}") for k in Kind if text(form, f"pref-{k.value}")}
    changes = notice_settings.Changes(email=email or None, preferences=chosen)
    try:
        notice_settings.update(session, viewer.person, viewer.person, changes)
    except ValidationFailed as error:
        keep_and_recover(session, error)
        errors = {
            ("pref-" + k.split("/", 1)[1] if "/" in k else k): v
            for k, v in _pointed(error, _).items()
        }
        return _show(
            request, session, viewer, status_code=422, errors=errors, email=email, chosen=chosen
        )
    except Conflict:
        session.rollback()
        errors = {"email": _("Another official already uses this e-mail address")}
        return _show(
            request, session, viewer, status_code=409, errors=errors, email=email, chosen=chosen
        )
    return _show(request, session, viewer, saved=True)


def _pointed(error: ValidationFailed, gettext) -> dict[str, str]:
    """Pointers ``#/email`` and ``#/preferences/<kind>`` to ``email`` and ``preferences/<kind>``,
    with a message the page can show in its language."""
    found: dict[str, str] = {}
    for item in error.extensions.get("errors", []):
        name = item["pointer"].removeprefix("#/")
        if name == "email":
            found[name] = gettext("Enter an e-mail address like name@ministry.gov.iq")
        else:
            found[name] = gettext("Choose one of the options")
    return found
