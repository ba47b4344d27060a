"""Comparing two versions: what was added, removed and changed, and the Word redline."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

from sopengine.api.deps import ExportCacheDep, SessionDep
from sopengine.services import exports, sops
from sopengine.web.deps import PageRoute, Person, show

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Code = Annotated[str, Path(max_length=40)]
VersionQuery = Annotated[int, Query(ge=1, le=100_000)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _place(path: str) -> tuple[str, str]:
    """("procedure", "S3") from "content/procedure/S3/title": the section and the item."""
    parts = path.removeprefix("content/").split("/")
    return parts[0], parts[1] if len(parts) > 2 else ""


@router.get("/sops/{code}/compare")
def compare(
    request: Request,
    session: SessionDep,
    viewer: Person,
    code: Code,
    from_: Annotated[int, Query(alias="from", ge=1, le=100_000)],
    to: VersionQuery,
) -> Response:
    sop = sops.get_sop(session, code)
    diff = exports.diff(session, code, from_, to)
    by_section: dict[str, list[dict[str, Any]]] = {}
    for entry in diff["texts"]:
        if entry["lang"] not in (None, viewer.lang.code, viewer.lang.other):
            continue
        section, item = _place(entry["path"])
        by_section.setdefault(section, []).append({**entry, "item": item})
    return show(
        request,
        session,
        viewer,
        "compare.html",
        sop=sop,
        diff=diff,
        by_section=by_section,
        old=from_,
        new=to,
    )


@router.get("/sops/{code}/compare/redline.docx")
def redline(
    session: SessionDep,
    viewer: Person,
    cache: ExportCacheDep,
    code: Code,
    from_: Annotated[int, Query(alias="from", ge=1, le=100_000)],
    to: VersionQuery,
    lang: Annotated[Literal["en", "ar"] | None, Query()] = None,
) -> Response:
    exported = exports.redline(session, viewer.person, code, from_, to, lang, cache)
    disposition = f"attachment; filename*=UTF-8''{quote(exported.filename)}"
    return Response(exported.data, media_type=DOCX, headers={"Content-Disposition": disposition})
