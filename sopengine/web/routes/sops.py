"""The SOP list and search, one SOP's page, a new SOP from a template, a new version."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response

from sopengine.api.deps import SessionDep, SettingsDep
from sopengine.api.pagination import decode_cursor, encode_cursor
from sopengine.domain import permissions
from sopengine.domain.content import THEMATIC_AREAS
from sopengine.domain.permissions import SOP_ACTIONS, Action
from sopengine.domain.workflow import Facts, State
from sopengine.errors import SopError, ValidationFailed
from sopengine.services import drafting, facts, listing, ministries, sops
from sopengine.services.signoffs import load_signoffs
from sopengine.services.templates import get_template, list_templates
from sopengine.web.deps import (
    Form,
    PageRoute,
    Person,
    check_csrf,
    keep_and_recover,
    redirect,
    show,
    text,
)
from sopengine.web.positions import positions_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Code = Annotated[str, Path(max_length=40)]
PAGE_SIZE = 20


@router.get("/sops")
def sop_list(
    request: Request,
    session: SessionDep,
    viewer: Person,
    q: Annotated[str, Query(max_length=200)] = "",
    thematic_area: Annotated[str, Query(max_length=40)] = "",
    ministry: Annotated[str, Query(max_length=16)] = "",
    state: Annotated[str, Query(max_length=20)] = "",
    awaiting: Annotated[str, Query(max_length=16)] = "",
    cursor: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    position = decode_cursor(cursor or None)
    filters = listing.SopFilters(
        thematic_area=thematic_area or None,
        ministry=ministry or None,
        state=state or None,
        awaiting=awaiting or None,
        q=q.strip() or None,
    )
    found = listing.list_sops(
        session,
        filters,
        after_id=position.after,
        offset=position.offset,
        limit=PAGE_SIZE,
        window=request.app.state.settings.search_window,
    )
    chosen = {
        "q": q,
        "thematic_area": thematic_area,
        "ministry": ministry,
        "state": state,
        "awaiting": awaiting,
    }
    more = None
    if found.next_after is not None:
        more = encode_cursor(after=found.next_after)
    elif found.next_offset is not None:
        more = encode_cursor(offset=found.next_offset)
    next_url = (
        "/sops?" + urlencode({**{k: v for k, v in chosen.items() if v}, "cursor": more})
        if more
        else None
    )
    return show(
        request,
        session,
        viewer,
        "sop_list.html",
        block="results",
        items=found.items,
        next_url=next_url,
        chosen=chosen,
        thematic_areas=THEMATIC_AREAS,
        states=[s.value for s in State],
    )


@router.get("/sops/{code}")
def sop_page(request: Request, session: SessionDep, viewer: Person, code: Code) -> Response:
    sop = sops.get_sop(session, code)
    latest = sop.versions[-1]
    latest.sop = sop
    signoffs = load_signoffs(session, latest)
    version_actions = permissions.available_actions(
        viewer.person, facts.of_version(latest, signoffs)
    )
    sop_actions = permissions.available_actions(
        viewer.person, facts.of_sop(sop, sop.versions), SOP_ACTIONS
    )
    return show(
        request,
        session,
        viewer,
        "sop.html",
        sop=sop,
        latest=latest,
        applied=sops.applied_number(sop),
        positions=positions_of(latest, signoffs),
        actions=version_actions,
        sop_actions=sop_actions,
    )


@router.get("/new-sop")
def new_sop_form(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: Person
) -> Response:
    return _new_sop_page(request, session, settings, viewer, {}, {})


def _new_sop_page(request, session, settings, viewer, given, errors, status_code=200) -> Response:
    me = viewer.person
    leads = [
        code
        for code in [m for m in (me.ministry_code,) if m] or _all_ministries(session)
        if permissions.may(Action.CREATE_SOP, me, Facts(lead_ministry=code))
    ]
    return show(
        request,
        session,
        viewer,
        "new_sop.html",
        status_code=status_code,
        templates=list_templates(settings.templates_dir),
        leads=leads,
        given=given,
        errors=errors,
    )


def _all_ministries(session) -> list[str]:
    return [m.code for m in ministries.list_ministries(session)]


@router.post("/new-sop")
def create_sop(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: Person, form: Form
) -> Response:
    check_csrf(viewer, form)
    _ = viewer.lang.gettext
    given = {k: text(form, k) for k in ("code", "template", "lead_ministry", "languages")}
    errors: dict[str, str] = {}
    code = given["code"].upper()
    if not code:
        errors["code"] = _("Enter a code, e.g. SOP-RR-002")
    if not given["template"]:
        errors["template"] = _("Choose a template")
    if errors:
        return _new_sop_page(request, session, settings, viewer, given, errors, 400)
    languages = ["en", "ar"] if given["languages"] != "en" else ["en"]
    if given["languages"] == "ar":
        languages = ["ar", "en"]
    try:
        template = get_template(settings.templates_dir, given["template"])
        version = sops.create_sop(
            session,
            viewer.person,
            sops.NewSop(
                code=code,
                text=drafting.TextInput(languages=languages, primary_language=languages[0]),
                lead_ministry=given["lead_ministry"] or None,
                template=template,
            ),
        )
    except ValidationFailed as error:
        keep_and_recover(session, error)
        errors = {
            item["pointer"].removeprefix("#/").split("/")[0]: _(item["detail"])
            for item in error.errors
        }
        return _new_sop_page(request, session, settings, viewer, given, errors, 422)
    except SopError as error:
        if error.status != 409:
            raise
        keep_and_recover(session, error)
        errors = {"code": _("An SOP with this code already exists")}
        return _new_sop_page(request, session, settings, viewer, given, errors, 409)
    return redirect(f"/sops/{version.sop.code}/versions/{version.number}/edit")


@router.get("/sops/{code}/revise")
def revise_form(request: Request, session: SessionDep, viewer: Person, code: Code) -> Response:
    sop = sops.get_sop(session, code)
    permissions.authorize(Action.REVISE, viewer.person, facts.of_sop(sop, sop.versions))
    return show(request, session, viewer, "revise.html", sop=sop, errors={}, summary="")


@router.post("/sops/{code}/revise")
def revise(
    request: Request, session: SessionDep, viewer: Person, form: Form, code: Code
) -> Response:
    check_csrf(viewer, form)
    summary = text(form, "change_summary")
    status, errors = (
        400,
        {"change_summary": viewer.lang.gettext("Say what this version will change")},
    )
    if summary:
        try:
            new = sops.revise(session, viewer.person, code, summary)
            return redirect(f"/sops/{code}/versions/{new.number}/edit")
        except ValidationFailed as error:
            keep_and_recover(session, error)
            status, errors = (
                422,
                {e["pointer"].removeprefix("#/"): e["detail"] for e in error.errors},
            )
    return show(
        request,
        session,
        viewer,
        "revise.html",
        status_code=status,
        sop=sops.get_sop(session, code),
        errors=errors,
        summary=summary,
    )
