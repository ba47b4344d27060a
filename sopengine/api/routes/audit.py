from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sopengine.api.deps import SessionDep, SettingsDep, allowed_to
from sopengine.api.pagination import Cursor, Limit, decode_cursor, encode_cursor
from sopengine.api.problems import responses
from sopengine.api.schemas.audit import AuditEventOut, AuditPage, AuditVerifyOut
from sopengine.db.models import Official
from sopengine.domain.permissions import Action
from sopengine.errors import BadRequest, Forbidden, Unauthorized
from sopengine.services import audit, checkpoints

router = APIRouter(tags=["audit"])

Auditor = Annotated[Official, allowed_to(Action.READ_AUDIT)]


@router.get(
    "/audit", response_model=AuditPage, responses=responses(Unauthorized, Forbidden, BadRequest)
)
def list_events(
    session: SessionDep,
    settings: SettingsDep,
    _: Auditor,
    sop: Annotated[str | None, Query(max_length=40, description="Only events of this SOP")] = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> AuditPage:
    size = min(limit or settings.page_size_default, settings.page_size_max)
    page = audit.list_events(
        session, after_seq=decode_cursor(cursor).after, limit=size, sop_code=sop
    )
    return AuditPage(
        items=[AuditEventOut.model_validate(e, from_attributes=True) for e in page.events],
        next_cursor=encode_cursor(after=page.events[-1].seq) if page.has_more else None,
    )


@router.get(
    "/audit/verify",
    response_model=AuditVerifyOut,
    responses=responses(Unauthorized, Forbidden),
    summary="Recompute the whole hash chain and check it against the signed checkpoints",
    description="Names the first event that does not verify, and the first checkpoint whose "
    "signature fails or whose signed hash the chain no longer has (a rewrite). Signatures are "
    "checked with the configured audit key (SOPENGINE_AUDIT_PUBLIC_KEY, or the public half "
    "of SOPENGINE_AUDIT_SIGNING_KEY).",
)
def verify(session: SessionDep, settings: SettingsDep, _: Auditor) -> AuditVerifyOut:
    report = audit.verify(session, checkpoints.public_keys(settings))
    return AuditVerifyOut.model_validate(report, from_attributes=True)
