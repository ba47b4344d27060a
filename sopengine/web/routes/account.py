"""Signing in and out, accepting an invitation, the account page, the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request, Response

from sopengine.api.deps import SessionDep, SettingsDep
from sopengine.errors import FieldError, Gone, NotFound, SopError, ValidationFailed
from sopengine.services import invitations, signin
from sopengine.web.deps import (
    LANG_COOKIE,
    AnyViewer,
    Form,
    PageRoute,
    Person,
    check_csrf,
    keep_and_recover,
    redirect,
    safe_next,
    show,
    text,
)
from sopengine.web.i18n import LANGUAGES

router = APIRouter(route_class=PageRoute, include_in_schema=False)

InviteToken = Path(min_length=10, max_length=100)


def field_errors(error: SopError, lang_gettext, fields: dict[str, str]) -> dict[str, str]:
    """Problem pointers (``#/password``) to the form's field ids, messages translated."""
    found: dict[str, str] = {}
    for item in error.extensions.get("errors", []) if isinstance(error, ValidationFailed) else []:
        name = item["pointer"].removeprefix("#/").split("/")[0]
        found[fields.get(name, name)] = lang_gettext(item["detail"])
    return found


def set_session_cookie(response: Response, settings, done: signin.SignedIn) -> None:
    response.set_cookie(
        signin.SESSION_COOKIE,
        done.session_id,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


@router.get("/sign-in")
def sign_in_form(
    request: Request, session: SessionDep, viewer: AnyViewer, next: str = Query(default="/")
) -> Response:
    if viewer.official is not None:
        return redirect(safe_next(next))
    return show(request, session, viewer, "sign_in.html", next=safe_next(next), errors={}, email="")


@router.post("/sign-in")
def sign_in(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: AnyViewer, form: Form
) -> Response:
    email, password, target = (
        text(form, "email"),
        form.get("password"),
        safe_next(text(form, "next")),
    )
    _ = viewer.lang.gettext
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = _("Enter your e-mail address")
    if not isinstance(password, str) or not password:
        errors["password"] = _("Enter your password")
    elif len(password) > 256:
        errors["password"] = _("The e-mail address or password is not correct")
    if not errors:
        assert isinstance(password, str)
        try:
            done = signin.sign_in(session, settings, email, password, viewer.address)
        except SopError as error:
            keep_and_recover(session, error)
            message = (
                _("Too many failed attempts from here. Wait 15 minutes and try again.")
                if error.status == 429
                else _("The e-mail address or password is not correct")
            )
            errors = {"email": message}
        else:
            response = redirect(target)
            set_session_cookie(response, settings, done)
            if done.official.language:
                response.set_cookie(LANG_COOKIE, done.official.language, samesite="lax", path="/")
            return response
    return show(
        request,
        session,
        viewer,
        "sign_in.html",
        status_code=400,
        next=target,
        errors=errors,
        email=email,
    )


@router.post("/sign-out")
def sign_out(session: SessionDep, viewer: Person, form: Form) -> Response:
    check_csrf(viewer, form)
    assert viewer.web_session is not None
    signin.sign_out(session, viewer.person, viewer.web_session)
    response = redirect("/sign-in")
    response.delete_cookie(signin.SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{token}")
def invitation_form(
    request: Request, session: SessionDep, viewer: AnyViewer, token: str = InviteToken
) -> Response:
    try:
        person = invitations.pending(session, token)[1]
    except (NotFound, Gone) as error:
        return show(
            request, session, viewer, "invitation_spent.html", status_code=error.status, error=error
        )
    return show(request, session, viewer, "invitation.html", person=person, errors={}, email="")


@router.post("/invite/{token}")
def accept_invitation(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: AnyViewer,
    form: Form,
    token: str = InviteToken,
) -> Response:
    _ = viewer.lang.gettext
    password, confirm = form.get("password"), form.get("confirm")
    email = text(form, "email") or None
    if not isinstance(password, str) or password != confirm:
        person = invitations.pending(session, token)[1]
        errors = {"confirm": _("The two passwords are not the same")}
        return show(
            request,
            session,
            viewer,
            "invitation.html",
            status_code=400,
            person=person,
            errors=errors,
            email=email or "",
        )
    try:
        person = invitations.accept(session, settings, token, password, email)
    except ValidationFailed as error:
        keep_and_recover(session, error)
        person = invitations.pending(session, token)[1]
        return show(
            request,
            session,
            viewer,
            "invitation.html",
            status_code=422,
            person=person,
            errors=field_errors(error, _, {}),
            email=email or "",
        )
    done = signin.sign_in(session, settings, person.email or "", password, viewer.address)
    response = redirect("/")
    set_session_cookie(response, settings, done)
    return response


@router.get("/account")
def account(request: Request, session: SessionDep, viewer: Person) -> Response:
    return show(request, session, viewer, "account.html", errors={}, changed=False)


@router.post("/account/password")
def change_password(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: Person, form: Form
) -> Response:
    check_csrf(viewer, form)
    _ = viewer.lang.gettext
    current, new, confirm = (form.get(k) for k in ("current_password", "new_password", "confirm"))
    errors: dict[str, str] = {}
    if not isinstance(new, str) or new != confirm:
        errors["confirm"] = _("The two new passwords are not the same")
    else:
        try:
            signin.change_password(
                session,
                settings,
                viewer.person,
                current if isinstance(current, str) else "",
                new,
                viewer.address,
            )
        except ValidationFailed as error:
            keep_and_recover(session, error)
            errors = field_errors(error, _, {})
        except SopError as error:
            keep_and_recover(session, error)
            errors = {"current_password": _("The current password is not correct")}
    if errors:
        return show(
            request, session, viewer, "account.html", status_code=400, errors=errors, changed=False
        )
    return show(request, session, viewer, "account.html", errors={}, changed=True)


@router.post("/language")
def switch_language(session: SessionDep, viewer: AnyViewer, form: Form) -> Response:
    lang = text(form, "lang")
    if lang not in LANGUAGES:
        raise ValidationFailed([FieldError("#/lang", "ar or en")])
    if viewer.official is not None:
        check_csrf(viewer, form)
        viewer.official.language = lang
    response = redirect(safe_next(text(form, "next")))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response
