"""Workflow actions as pages: submit (with its deadline), recall, apply, withdraw; signing."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response

from sopengine.api.deps import SessionDep, SettingsDep
from sopengine.db.base import utcnow
from sopengine.domain import permissions
from sopengine.domain import signoff as so
from sopengine.domain.permissions import Action
from sopengine.errors import ReauthenticationFailed, SopError, StaleContentHash, ValidationFailed
from sopengine.services import facts, signoffs, sops, workflow
from sopengine.web.deps import (
    Form,
    PageRoute,
    Person,
    Viewer,
    check_csrf,
    keep_and_recover,
    redirect,
    show,
    text,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Code = Annotated[str, Path(max_length=40)]
Number = Annotated[int, Path(ge=1, le=100_000)]
ActionName = Annotated[Literal["submit", "recall", "apply", "withdraw"], Path()]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/sops/{code}/versions/{number}/action/{action}")
def action_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: Person,
    code: Code,
    number: Number,
    action: ActionName,
) -> Response:
    version = sops.get_version(session, code, number)
    permissions.authorize(action, viewer.person, facts.of_version(version))
    today = utcnow().date()
    defaults = {
        "respond_by": so.add_working_days(today, settings.review_working_days).isoformat(),
        "effective_date": today.isoformat(),
        "reason": "",
    }
    return show(
        request,
        session,
        viewer,
        "action.html",
        version=version,
        action=action,
        given=defaults,
        errors={},
    )


@router.post("/sops/{code}/versions/{number}/action/{action}")
def act(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: Person,
    form: Form,
    code: Code,
    number: Number,
    action: ActionName,
) -> Response:
    check_csrf(viewer, form)
    _ = viewer.lang.gettext
    given = {k: text(form, k) for k in ("respond_by", "effective_date", "reason")}
    errors: dict[str, str] = {}
    for name in ("respond_by", "effective_date"):
        if given[name] and _date(given[name]) is None:
            errors[name] = _("Enter a real date")
    version = sops.get_version(session, code, number, for_update=True)
    if not errors:
        data = workflow.ActionInput(
            effective_date=_date(given["effective_date"]) if action == "apply" else None,
            reason=given["reason"] or None,
            respond_by=_date(given["respond_by"]) if action == "submit" else None,
        )
        try:
            workflow.perform(session, settings, viewer.person, version, action, data)
            return redirect(f"/sops/{code}")
        except ValidationFailed as error:
            keep_and_recover(session, error)
            errors = {e["pointer"].removeprefix("#/"): _(e["detail"]) for e in error.errors}
            version = sops.get_version(session, code, number)
    return show(
        request,
        session,
        viewer,
        "action.html",
        status_code=422,
        version=version,
        action=action,
        given=given,
        errors=errors,
    )


# --- signing ---------------------------------------------------------------------------------


def _signing_page(
    request: Request,
    session,
    viewer: Viewer,
    code: str,
    number: int,
    errors: dict[str, str],
    given: dict[str, str],
    status_code: int = 200,
) -> Response:
    version = sops.get_version(session, code, number)
    ministry = viewer.person.ministry_code or ""
    permissions.authorize(
        Action.SIGNOFF, viewer.person, facts.of_version(version, ministry=ministry)
    )
    return show(
        request,
        session,
        viewer,
        "sign.html",
        status_code=status_code,
        version=version,
        ministry=ministry,
        meanings=signoffs.meanings(session, ministry),
        errors=errors,
        given=given,
    )


@router.get("/sops/{code}/versions/{number}/sign")
def sign_form(
    request: Request, session: SessionDep, viewer: Person, code: Code, number: Number
) -> Response:
    return _signing_page(request, session, viewer, code, number, {}, {})


@router.post("/sops/{code}/versions/{number}/sign")
def sign(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: Person,
    form: Form,
    code: Code,
    number: Number,
) -> Response:
    check_csrf(viewer, form)
    _ = viewer.lang.gettext
    given = {k: text(form, k) for k in ("decision", "comment", "content_hash")}
    password = form.get("password")
    errors: dict[str, str] = {}
    if given["decision"] not in ("approve", "reject"):
        errors["decision"] = _("Choose whether you approve or reject the text")
    elif given["decision"] == "reject" and not given["comment"]:
        errors["comment"] = _("Say why your ministry rejects the text")
    if not isinstance(password, str) or not password:
        errors["password"] = _("Enter your password to sign")
    if errors:
        return _signing_page(request, session, viewer, code, number, errors, given, 400)
    assert isinstance(password, str)
    version = sops.get_version(session, code, number, for_update=True)
    decision = signoffs.SignOffInput(
        decision=given["decision"],
        content_hash=given["content_hash"],
        comment=given["comment"],
        password=password,
    )
    try:
        signoffs.record_signoff(
            session,
            settings,
            viewer.person,
            version,
            viewer.person.ministry_code or "",
            decision,
            viewer.address,
        )
    except (ReauthenticationFailed, StaleContentHash, ValidationFailed) as error:
        keep_and_recover(session, error)
        if isinstance(error, ReauthenticationFailed):
            errors = {"password": _("The password is not correct. The text was not signed.")}
        elif isinstance(error, StaleContentHash):
            errors = {
                "content_hash": _(
                    "The text changed while you were reading it. Read it again before you sign."
                )
            }
        else:
            errors = {e["pointer"].removeprefix("#/"): _(e["detail"]) for e in error.errors}
        return _signing_page(request, session, viewer, code, number, errors, given, 422)
    except SopError:
        raise
    return redirect(f"/sops/{code}#positions")
