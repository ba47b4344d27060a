"""The officials, managed by admins: adding people (who get an invitation link) and ministries'
systems (which get a token), new links and tokens, revoking tokens, deactivating."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from sopengine.api.deps import SessionDep, SettingsDep
from sopengine.db.models import Official
from sopengine.domain import permissions
from sopengine.domain.permissions import Action
from sopengine.domain.roles import Kind, Role
from sopengine.errors import Conflict, NotFound, ValidationFailed
from sopengine.services import invitations, officials, roster
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
from sopengine.web.labels import N_

router = APIRouter(route_class=PageRoute, include_in_schema=False)

OfficialId = Annotated[str, Path()]
NO_STORE = {"Cache-Control": "no-store"}
"""For answers that show a secret once: no copy kept in the browser's cache."""


def _admin(viewer: Viewer) -> Official:
    permissions.authorize(Action.MANAGE_OFFICIALS, viewer.person)
    return viewer.person


def _load(session: SessionDep, official_id: str) -> Official:
    if not (official_id.isascii() and official_id.isdigit() and len(official_id) < 10):
        raise NotFound(f"no official {official_id}")
    return officials.get_official(session, int(official_id))


@router.get("/officials")
def official_list(request: Request, session: SessionDep, viewer: Person) -> Response:
    _admin(viewer)
    return show(request, session, viewer, "officials.html", entries=roster.list_officials(session))


FIELDS = ("kind", "name", "position", "email", "ministry")


def _new_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    given: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return show(
        request,
        session,
        viewer,
        "official_new.html",
        status_code=status_code,
        given=given,
        errors=errors,
        roles=[r.value for r in Role],
    )


@router.get("/officials/new")
def new_official_form(request: Request, session: SessionDep, viewer: Person) -> Response:
    _admin(viewer)
    return _new_page(request, session, viewer, {"kind": Kind.PERSON, "roles": []}, {})


def _problems(viewer: Viewer, given: dict[str, Any]) -> dict[str, str]:
    """What the form lacks before the service is asked (the service checks roles and ministry)."""
    _ = viewer.lang.gettext
    errors: dict[str, str] = {}
    if given["kind"] not in (Kind.PERSON, Kind.SYSTEM):
        errors["kind"] = _("Choose a person or a ministry's system")
    if not given["name"]:
        errors["name"] = (
            _("Enter the system's name, e.g. MOI case management")
            if given["kind"] == Kind.SYSTEM
            else _("Enter the person's full name")
        )
    elif len(given["name"]) > 200:
        errors["name"] = _("The name can be at most 200 characters")
    if not given["roles"]:
        errors["roles"] = _("Choose at least one role")
    if len(given["position"]) > 200:
        errors["position"] = _("The position can be at most 200 characters")
    email = given["email"]
    if email and ("@" not in email.strip("@") or " " in email or len(email) > 320):
        errors["email"] = _("Enter an e-mail address like name@ministry.gov.iq")
    return errors


_SERVICE_MESSAGES = {
    "a system belongs to a ministry": N_("Choose the ministry the system belongs to"),
    "at least one role is required": N_("Choose at least one role"),
    "drafters, reviewers and signatories must belong to a ministry": N_(
        "Drafters, reviewers and signatories belong to a ministry: choose it"
    ),
    "facilitators and admins belong to no ministry": N_(
        "Facilitators and admins belong to no ministry: choose “None (ICMPD)”"
    ),
    "ministry roles (drafter, reviewer, signatory) and facilitator/admin cannot be combined": N_(
        "Ministry roles (drafter, reviewer, signatory) cannot be combined with facilitator or admin"
    ),
}
"""The service's refusals of a combination of roles and ministry, said for this form."""


@router.post("/officials/new")
def create_official(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: Person, form: Form
) -> Response:
    check_csrf(viewer, form)
    admin = _admin(viewer)
    _ = viewer.lang.gettext
    given: dict[str, Any] = {k: text(form, k) for k in FIELDS}
    given["roles"] = [r for r in form.getlist("roles") if isinstance(r, str)]
    system = given["kind"] == Kind.SYSTEM
    errors = _problems(viewer, given)
    if errors:
        return _new_page(request, session, viewer, given, errors, 400)
    try:
        official = officials.create_official(
            session,
            admin,
            officials.NewOfficial(
                name=given["name"],
                roles=given["roles"],
                ministry=given["ministry"] or None,
                position=given["position"],
                email=None if system else given["email"] or None,
                kind=Kind.SYSTEM if system else Kind.PERSON,
            ),
        )
    except ValidationFailed as error:
        keep_and_recover(session, error)
        for item in error.errors:
            field = item["pointer"].removeprefix("#/").split("/")[0]
            errors.setdefault(field, _(_SERVICE_MESSAGES.get(item["detail"], item["detail"])))
        return _new_page(request, session, viewer, given, errors, 422)
    except Conflict as error:
        keep_and_recover(session, error)
        errors = {"email": _("An official with this e-mail address already exists")}
        return _new_page(request, session, viewer, given, errors, 409)
    if system:
        return _secret(
            request,
            session,
            viewer,
            official,
            "created",
            token=officials.token_for_system(session, admin, official)[1],
        )
    issued = invitations.issue(session, settings, admin, official)
    return _secret(request, session, viewer, official, "created", invitation=issued)


def _secret(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    official: Official,
    what: str,
    **shown: Any,
) -> Response:
    """The answer that shows a link or a token once."""
    response = show(
        request,
        session,
        viewer,
        "official_secret.html",
        official=official,
        what=what,
        invitation=shown.get("invitation"),
        token=shown.get("token"),
    )
    response.headers.update(NO_STORE)
    return response


DONE = ("deactivated", "reactivated", "tokens_revoked")


@router.get("/officials/{official_id}")
def official_page(
    request: Request,
    session: SessionDep,
    viewer: Person,
    official_id: OfficialId,
    done: Annotated[str, Query(max_length=20)] = "",
    count: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    admin = _admin(viewer)
    official = _load(session, official_id)
    return show(
        request,
        session,
        viewer,
        "official.html",
        entry=roster.entry(session, official),
        is_me=official.id == admin.id,
        done=done if done in DONE else "",
        count=count,
    )


@router.post("/officials/{official_id}/invitation")
def reissue_invitation(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: Person,
    form: Form,
    official_id: OfficialId,
) -> Response:
    check_csrf(viewer, form)
    admin = _admin(viewer)
    person = _load(session, official_id)
    issued = invitations.issue(session, settings, admin, person)
    return _secret(request, session, viewer, person, "invitation", invitation=issued)


@router.post("/officials/{official_id}/tokens")
def issue_token(
    request: Request, session: SessionDep, viewer: Person, form: Form, official_id: OfficialId
) -> Response:
    check_csrf(viewer, form)
    admin = _admin(viewer)
    system = _load(session, official_id)
    _, token = officials.token_for_system(session, admin, system)
    return _secret(request, session, viewer, system, "token", token=token)


@router.post("/officials/{official_id}/revoke-tokens")
def revoke_tokens(
    session: SessionDep, viewer: Person, form: Form, official_id: OfficialId
) -> Response:
    check_csrf(viewer, form)
    admin = _admin(viewer)
    official = _load(session, official_id)
    revoked = officials.revoke_tokens(session, admin, official)
    return redirect(f"/officials/{official.id}?done=tokens_revoked&count={revoked}")


@router.get("/officials/{official_id}/deactivate")
def deactivate_form(
    request: Request, session: SessionDep, viewer: Person, official_id: OfficialId
) -> Response:
    _admin(viewer)
    official = _load(session, official_id)
    return show(request, session, viewer, "official_deactivate.html", official=official)


@router.post("/officials/{official_id}/deactivate")
def deactivate(
    session: SessionDep, viewer: Person, form: Form, official_id: OfficialId
) -> Response:
    check_csrf(viewer, form)
    admin = _admin(viewer)
    official = _load(session, official_id)
    officials.set_active(session, admin, official, False)
    return redirect(f"/officials/{official.id}?done=deactivated")


@router.post("/officials/{official_id}/reactivate")
def reactivate(
    session: SessionDep, viewer: Person, form: Form, official_id: OfficialId
) -> Response:
    check_csrf(viewer, form)
    admin = _admin(viewer)
    official = _load(session, official_id)
    officials.set_active(session, admin, official, True)
    return redirect(f"/officials/{official.id}?done=reactivated")
