"""Word exports, the redline and the structured diff, and verification of uploaded files."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Response, UploadFile

from sopengine.api.deps import (
    CurrentOfficial,
    CurrentVersion,
    ExportCacheDep,
    SessionDep,
    SettingsDep,
    SopCode,
)
from sopengine.api.problems import responses
from sopengine.errors import (
    BadRequest,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from sopengine.services import exports, verification

router = APIRouter(tags=["word export"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DOCX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
        "description": "The Word document",
    },
}

LangQuery = Annotated[
    Literal["en", "ar", "bilingual"] | None,
    Query(
        description="en, ar or bilingual (side by side); default: the version's primary language"
    ),
]


def _docx(exported: exports.Exported) -> Response:
    disposition = (
        f"attachment; filename=\"{exported.filename}\"; filename*=UTF-8''{quote(exported.filename)}"
    )
    return Response(exported.data, media_type=DOCX, headers={"Content-Disposition": disposition})


@router.get(
    "/sops/{code}/versions/{number}/export.docx",
    response_class=Response,
    responses={**_DOCX_RESPONSE, **responses(Unauthorized, NotFound, ValidationFailed)},
    summary="The version as a Word document to print and sign",
)
def export_version(
    version: CurrentVersion,
    session: SessionDep,
    official: CurrentOfficial,
    cache: ExportCacheDep,
    lang: LangQuery = None,
) -> Response:
    return _docx(exports.export_version(session, official, version, lang, cache))


@router.get(
    "/sops/{code}/export.docx",
    response_class=Response,
    responses={**_DOCX_RESPONSE, **responses(Unauthorized, NotFound, ValidationFailed)},
    summary="The version in force (applied) as a Word document; 404 when none is applied",
)
def export_applied(
    code: SopCode,
    session: SessionDep,
    official: CurrentOfficial,
    cache: ExportCacheDep,
    lang: LangQuery = None,
) -> Response:
    return _docx(exports.export_applied(session, official, code, lang, cache))


@router.get(
    "/sops/{code}/diff",
    responses={**_DOCX_RESPONSE, **responses(Unauthorized, NotFound, BadRequest, ValidationFailed)},
    summary="What changed between two versions: JSON, or with format=docx a redline with tracked changes",
)
def diff(
    code: SopCode,
    session: SessionDep,
    official: CurrentOfficial,
    cache: ExportCacheDep,
    from_: Annotated[int, Query(alias="from", ge=1, le=100_000)],
    to: Annotated[int, Query(ge=1, le=100_000)],
    format: Annotated[Literal["json", "docx"], Query()] = "json",
    lang: Annotated[Literal["en", "ar"] | None, Query(description="redline language")] = None,
) -> Any:
    if format == "docx":
        return _docx(exports.redline(session, official, code, from_, to, lang, cache))
    return exports.diff(session, code, from_, to)


@router.post(
    "/exports/verify",
    responses=responses(Unauthorized, UnsupportedMediaType, PayloadTooLarge),
    summary="Which SOP version an exported .docx claims to be, and whether it is unaltered",
)
def verify(
    session: SessionDep,
    settings: SettingsDep,
    _: CurrentOfficial,
    file: Annotated[UploadFile, File(description="The .docx file to check")],
) -> dict[str, Any]:
    data = file.file.read(settings.max_body_bytes + 1)
    if len(data) > settings.max_body_bytes:
        raise PayloadTooLarge(f"the file is larger than {settings.max_body_bytes} bytes")
    return verification.verify(session, data)
