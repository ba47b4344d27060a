"""Editing a draft: one form for the whole text, its shape changed without JavaScript, saved
as the rule book allows, and never over a newer save by someone else (``web.conflict``)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from sopengine.api import etag as etags
from sopengine.api.deps import SessionDep
from sopengine.db.models import SopVersion
from sopengine.domain import permissions
from sopengine.domain.content import MAX_STEP_DEPTH, RTL_LANGUAGES
from sopengine.domain.permissions import Action
from sopengine.errors import FieldError, PreconditionFailed, ValidationFailed
from sopengine.services import drafting, facts, ministries, sops
from sopengine.web import content_form, content_ops, edit_text
from sopengine.web.conflict import (
    Conflict,
    Loaded,
    after_stale_save,
    carried,
    draft_from,
    loaded,
    stored,
)
from sopengine.web.content_form import Draft
from sopengine.web.deps import (
    Form,
    MinistryNames,
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
Number = Annotated[int, Path(ge=1, le=1_000_000)]
EDIT_URL = "/sops/{code}/versions/{number}/edit"


@router.get(EDIT_URL)
def edit_form(
    request: Request,
    session: SessionDep,
    viewer: Person,
    code: Code,
    number: Number,
    saved: bool = False,
) -> Response:
    version = sops.get_version(session, code, number)
    permissions.authorize(Action.EDIT, viewer.person, facts.of_version(version))
    return _page(request, session, viewer, version, stored(version), loaded(version), saved=saved)


@router.post(EDIT_URL)
def edit(
    request: Request, session: SessionDep, viewer: Person, form: Form, code: Code, number: Number
) -> Response:
    """Save the draft (``op=save``), or change the form's shape and show it again."""
    check_csrf(viewer, form)
    op = text(form, "op") or "save"
    version = sops.get_version(session, code, number, for_update=op == "save")
    permissions.authorize(Action.EDIT, viewer.person, facts.of_version(version))
    draft = content_form.parse(form.multi_items(), version.languages)
    sent = Loaded(text(form, "etag"), text(form, "base"))
    before = text(form, "theirs_base")
    conflict = carried(version, before, sent.base) if before else None
    page = partial(_page, request, session, viewer)
    if op != "save":
        base = draft_from(version, sent.base)
        taken = content_form.step_ids(base.content) if base else set()
        done = content_ops.apply(draft, op, lead=version.sop.lead_ministry_code, taken=taken)
        return page(version, done.draft, sent, focus=done.focus, conflict=conflict, block="editor")
    try:
        if sent.etag != etags.etag(version):
            raise PreconditionFailed("someone else saved this draft first")
        text_input = drafting.TextInput(
            title=draft.title,
            required_ministries=draft.required_ministries,
            content=content_form.to_content(draft),
        )
        drafting.update_text(session, viewer.person, version, text_input, draft.change_summary)
    except ValidationFailed as error:
        keep_and_recover(session, error)
        version = sops.get_version(session, code, number)
        return page(version, draft, sent, errors=error.errors, conflict=conflict, status_code=422)
    except PreconditionFailed as error:
        # Nothing stored: their changes shown, both edits in the form, saved again on theirs.
        keep_and_recover(session, error)
        version = sops.get_version(session, code, number)
        draft, conflict = after_stale_save(version, draft, sent.base)
        return page(version, draft, loaded(version), conflict=conflict, status_code=409)
    return redirect(EDIT_URL.format(code=code, number=number) + "?saved=true")


def _page(
    request: Request,
    session: Session,
    viewer: Viewer,
    version: SopVersion,
    draft: Draft,
    form: Loaded,
    *,
    errors: list[FieldError] | None = None,
    focus: str = "",
    saved: bool = False,
    conflict: Conflict | None = None,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    field_errors, summary = _problems(session, viewer, draft, errors or [])
    known = content_form.field_ids(draft)
    clashes: dict[str, str] = {}
    for fid, theirs in (conflict.clashes if conflict else {}).items():
        clashes.setdefault(content_form.nearest(fid, known), theirs)
    lead = version.sop.lead_ministry_code
    may_remove = permissions.may(
        Action.REMOVE_REQUIRED_MINISTRY, viewer.person, facts.of_version(version)
    )
    return show(
        request,
        session,
        viewer,
        "edit.html",
        status_code=status_code,
        block=block,
        version=version,
        sop=version.sop,
        draft=draft,
        form=form,
        errors=field_errors,
        summary=summary,
        focus=focus,
        saved=saved,
        conflict=conflict,
        clashes=clashes,
        lead=lead,
        locked={lead} | (set() if may_remove else set(version.required_ministries)),
        may_remove=may_remove,
        rtl=RTL_LANGUAGES,
        max_depth=MAX_STEP_DEPTH,
        words=edit_text,
    )


def _problems(
    session: Session, viewer: Viewer, draft: Draft, errors: list[FieldError]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each problem beside its field, and in the summary with where it is."""
    if not errors:
        return {}, {}
    _ = viewer.lang.gettext
    names = MinistryNames(
        {m.code: (m.name_en, m.name_ar) for m in ministries.list_ministries(session)}
    )
    known = content_form.field_ids(draft)
    beside: dict[str, str] = {}
    summary: dict[str, str] = {}
    for item in errors:
        parts = content_form.pointer_parts(item["pointer"])
        fid = content_form.nearest(content_form.field_id(*parts), known)
        said = edit_text.message(
            item["detail"], parts, _, lambda code: names.name(code, viewer.lang.code)
        )
        if fid in beside:
            if said not in beside[fid]:
                beside[fid] += " " + said
            continue
        beside[fid] = said
        where = edit_text.place(parts, _)
        summary[fid] = f"{where}: {said}" if where else said
    return beside, summary
