"""Check a Word file: is this .docx an unaltered export of the service, and is it current?

The verdict is the verification service's; this page only says it in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from sopengine.api.deps import SessionDep, SettingsDep
from sopengine.errors import SopError
from sopengine.services import verification
from sopengine.web.deps import Form, PageRoute, Person, check_csrf, keep_and_recover, show
from sopengine.web.labels import N_

router = APIRouter(route_class=PageRoute, include_in_schema=False)

VERDICTS = {
    "authentic": "authentic",
    "altered": "altered",
    "outdated": "outdated",
    "not an sopengine export": "foreign",
    "unknown version": "unknown_version",
}
"""The service's verdicts, and the name each has on the page."""

_SIGNOFF_DIFFERS = re.compile(
    r"^(?P<ministry>\S+): the file says (?P<file>\S+), the service says (?P<service>\S+)$"
)
_NOT_REQUIRED = re.compile(r"^(?P<ministry>\S+): not required to sign this version$")
_DECISIONS = {"approve": N_("Approved"), "reject": N_("Rejected"), "pending": N_("Pending")}


@dataclass(frozen=True)
class Difference:
    """One way the file's sign-offs differ from the service's, to be said in the reader's words."""

    kind: str
    ministry: str = ""
    file: str = ""
    service: str = ""
    text: str = ""


@dataclass(frozen=True)
class Finding:
    verdict: str
    redline: bool = False
    claims: dict[str, Any] = field(default_factory=dict)
    exported_at: datetime | None = None
    version_exists: bool = False
    hash_changed: bool = False
    current_state: str | None = None
    differences: list[Difference] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    """What an altered file contains that the service never wrote (as the service words it)."""

    @property
    def version_url(self) -> str | None:
        if not self.version_exists:
            return None
        return f"/sops/{self.claims['sop_code']}/versions/{self.claims['version']}"


def _difference(line: str) -> Difference:
    if found := _SIGNOFF_DIFFERS.match(line):
        return Difference(
            "signoff",
            found["ministry"],
            _DECISIONS.get(found["file"], found["file"]),
            _DECISIONS.get(found["service"], found["service"]),
        )
    if found := _NOT_REQUIRED.match(line):
        return Difference("not_required", found["ministry"])
    return Difference("other", text=line)


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def finding(result: dict[str, Any]) -> Finding:
    """The service's answer, arranged for the page."""
    claims = result.get("claims", {})
    return Finding(
        verdict=VERDICTS.get(result["verdict"], "foreign"),
        redline=result.get("official_export") is False,
        claims=claims,
        exported_at=_when(claims.get("exported_at")),
        version_exists=bool(result.get("version_exists")),
        hash_changed=result.get("content_hash_matches") is False,
        current_state=result.get("current_state"),
        differences=[_difference(line) for line in result.get("signoff_differences", [])],
        found=list(result.get("findings", [])),
    )


def _check_page(
    request: Request,
    session: SessionDep,
    viewer: Person,
    *,
    found: Finding | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return show(
        request,
        session,
        viewer,
        "check.html",
        status_code=status_code,
        found=found,
        errors=errors or {},
    )


@router.get("/check")
def check_form(request: Request, session: SessionDep, viewer: Person) -> Response:
    return _check_page(request, session, viewer)


@router.post("/check")
def check_file(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: Person, form: Form
) -> Response:
    check_csrf(viewer, form)
    _ = viewer.lang.gettext
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = {"file": _("Choose the Word file (.docx) to check")}
        return _check_page(request, session, viewer, errors=errors, status_code=400)
    data = upload.file.read(settings.max_body_bytes + 1)
    if not data:
        errors = {"file": _("The file is empty")}
        return _check_page(request, session, viewer, errors=errors, status_code=422)
    try:
        result = verification.verify(session, data)
    except SopError as error:
        if error.status not in (413, 415, 422):
            raise
        keep_and_recover(session, error)
        errors = {
            "file": _(
                "This is not a Word file (.docx) that can be read. Choose the .docx file as "
                "the service exported it."
            )
        }
        return _check_page(request, session, viewer, errors=errors, status_code=error.status)
    return _check_page(request, session, viewer, found=finding(result))
