"""Reading a version (in Arabic, English or side by side) with its comments; Word files."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

from sopengine.api.deps import ExportCacheDep, SessionDep
from sopengine.db.models import SopVersion
from sopengine.domain import permissions
from sopengine.domain.permissions import Action
from sopengine.errors import ValidationFailed
from sopengine.services import comments, exports, facts, sops
from sopengine.services.signoffs import load_signoffs
from sopengine.web.deps import Form, PageRoute, Person, Viewer, check_csrf, redirect, show, text
from sopengine.web.positions import positions_of
from sopengine.web.reading import reading

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Code = Annotated[str, Path(max_length=40)]
Number = Annotated[int, Path(ge=1, le=100_000)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _languages(version: SopVersion, viewer: Viewer, show_: str) -> list[str]:
    if show_ == "both":
        return [viewer.lang.code, viewer.lang.other]
    if show_ in version.languages:
        return [show_]
    return [viewer.lang.code if viewer.lang.code in version.languages else version.primary_language]


@router.get("/sops/{code}/versions/{number}")
def read_version(
    request: Request,
    session: SessionDep,
    viewer: Person,
    code: Code,
    number: Number,
    show_: Annotated[Literal["", "en", "ar", "both"], Query(alias="show")] = "",
) -> Response:
    version = sops.get_version(session, code, number)
    signoffs = load_signoffs(session, version)
    all_comments = comments.list_comments(session, version)
    actions = permissions.available_actions(viewer.person, facts.of_version(version, signoffs))
    may_resolve = {
        c.id
        for c in all_comments
        if permissions.may(Action.RESOLVE_COMMENT, viewer.person, facts.of_comment(version, c))
    }
    return show(
        request,
        session,
        viewer,
        "version.html",
        version=version,
        view=reading(version, all_comments),
        langs=_languages(version, viewer, show_),
        showing=show_ or "",
        actions=actions,
        may_resolve=may_resolve,
        positions=positions_of(version, signoffs),
    )


@router.post("/sops/{code}/versions/{number}/comments")
def add_comment(
    request: Request, session: SessionDep, viewer: Person, form: Form, code: Code, number: Number
) -> Response:
    check_csrf(viewer, form)
    version = sops.get_version(session, code, number)
    anchor = text(form, "anchor")
    parent = text(form, "parent_id")
    error = ""
    try:
        comments.add_comment(
            session,
            viewer.person,
            version,
            anchor,
            text(form, "body"),
            int(parent) if parent.isdigit() else None,
        )
    except ValidationFailed as refused:
        session.rollback()
        error = viewer.lang.gettext(refused.errors[0]["detail"]) if refused.errors else ""
    return _comments_answer(request, session, viewer, version, anchor, error)


@router.post("/sops/{code}/versions/{number}/comments/{comment_id}")
def resolve_comment(
    request: Request,
    session: SessionDep,
    viewer: Person,
    form: Form,
    code: Code,
    number: Number,
    comment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    check_csrf(viewer, form)
    version = sops.get_version(session, code, number)
    done = comments.set_resolved(
        session, viewer.person, version, comment_id, text(form, "resolved") == "true"
    )
    return _comments_answer(request, session, viewer, version, done.anchor, "")


def _comments_answer(
    request: Request, session, viewer: Viewer, version: SopVersion, anchor: str, error: str
) -> Response:
    """htmx swaps the anchor's comments in place; a plain form post goes back to the page."""
    if request.headers.get("HX-Request") != "true":
        target = f"/sops/{version.sop.code}/versions/{version.number}#c-{quote(anchor, safe='')}"
        return redirect(target)
    all_comments = comments.list_comments(session, version)
    signoffs = load_signoffs(session, version)
    return show(
        request,
        session,
        viewer,
        "_comments.html",
        version=version,
        view=reading(version, all_comments),
        anchor=anchor,
        error=error,
        actions=permissions.available_actions(viewer.person, facts.of_version(version, signoffs)),
        may_resolve={
            c.id
            for c in all_comments
            if permissions.may(Action.RESOLVE_COMMENT, viewer.person, facts.of_comment(version, c))
        },
    )


@router.get("/sops/{code}/versions/{number}/export.docx")
def word_file(
    session: SessionDep,
    viewer: Person,
    cache: ExportCacheDep,
    code: Code,
    number: Number,
    lang: Annotated[Literal["en", "ar", "bilingual"] | None, Query()] = None,
) -> Response:
    version = sops.get_version(session, code, number)
    exported = exports.export_version(session, viewer.person, version, lang, cache)
    return _download(exported)


def _download(exported: exports.Exported) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(exported.filename)}"
    return Response(exported.data, media_type=DOCX, headers={"Content-Disposition": disposition})
