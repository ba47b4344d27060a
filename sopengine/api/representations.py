"""Building API representations of versions, sign-offs, comments and API tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sopengine.api import etag as etags
from sopengine.api.schemas.comments import CommentOut
from sopengine.api.schemas.me import OwnTokenOut
from sopengine.api.schemas.officials import OfficialRef
from sopengine.api.schemas.signoffs import SignaturePreview, SignoffOut, SignoffRecord
from sopengine.api.schemas.versions import VersionOut
from sopengine.db.base import utcnow
from sopengine.db.models import ApiToken, Comment, Official, SignOff, SopVersion
from sopengine.domain import permissions
from sopengine.domain import signoff as so
from sopengine.domain.permissions import Action, Identity
from sopengine.domain.roles import Kind
from sopengine.domain.workflow import State
from sopengine.services import comments, facts
from sopengine.services import signoffs as signoff_service
from sopengine.urls import version_path


def official_ref(o: Official) -> OfficialRef:
    return OfficialRef(id=o.id, name=o.name, position=o.position, kind=Kind(o.kind))


def token_out(t: ApiToken) -> OwnTokenOut:
    return OwnTokenOut(
        id=t.id,
        label=t.label,
        prefix=t.prefix,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
        expires_at=t.expires_at,
    )


def comment_out(c: Comment) -> CommentOut:
    return CommentOut(
        id=c.id,
        anchor=c.anchor,
        parent_id=c.parent_id,
        body=c.body,
        author=official_ref(c.author),
        created_at=c.created_at,
        resolved=c.resolved_at is not None,
        resolved_at=c.resolved_at,
    )


def signoff_positions(version: SopVersion, signoffs: list[SignOff]) -> list[SignoffOut]:
    today = utcnow().date()
    out = []
    for ministry, p in facts.positions(version, signoffs).items():
        status = so.status_of(
            p, version.respond_by if version.state == State.IN_REVIEW else None, today
        )
        if p is None:
            out.append(SignoffOut(ministry=ministry, status=status))
            continue
        out.append(
            SignoffOut(
                ministry=ministry,
                status=status,
                decision=so.Decision(p.decision),
                comment=p.comment or None,
                official=official_ref(p.official),
                decided_at=p.decided_at,
                content_hash=p.content_hash,
                meaning=p.meaning,
                meaning_ar=p.meaning_ar or None,
                method=so.Method(p.method),
            )
        )
    return out


def signoff_records(version: SopVersion, signoffs: list[SignOff]) -> list[SignoffRecord]:
    counting = {id(p) for p in facts.positions(version, signoffs).values() if p is not None}
    return [
        SignoffRecord(
            id=s.id,
            ministry=s.ministry_code,
            decision=s.decision,
            comment=s.comment,
            official=official_ref(s.official),
            decided_at=s.decided_at,
            content_hash=s.content_hash,
            review_round=s.review_round,
            meaning=s.meaning,
            meaning_ar=s.meaning_ar,
            method=so.Method(s.method),
            counts=id(s) in counting,
        )
        for s in signoffs
    ]


def version_out(
    session: Session,
    version: SopVersion,
    official: Official,
    signoffs: list[SignOff] | None = None,
) -> VersionOut:
    """The version as the caller sees it; sign-offs already loaded by the request are reused."""
    return _version_out(session, version, official, version.content, signoffs)


def version_json(
    session: Session, version: SopVersion, official: Official | Identity, content: str
) -> bytes:
    """:func:`version_out` as JSON, its content spliced in from ``content``, the JSON text
    the database holds: a read neither decodes nor re-encodes the text, the largest part."""
    rest = _version_out(session, version, official, {}).model_dump_json(exclude={"content"})
    return f'{rest[:-1]},"content":{content}}}'.encode()


def _version_out(
    session: Session,
    version: SopVersion,
    official: Official | Identity,
    content: dict[str, Any],
    signoffs: list[SignOff] | None = None,
) -> VersionOut:
    if signoffs is None:
        signoffs = signoff_service.load_signoffs(session, version)
    actions = permissions.available_actions(official, facts.of_version(version, signoffs))
    return VersionOut(
        sop_code=version.sop.code,
        number=version.number,
        state=version.state,
        title=version.title,
        languages=version.languages,
        primary_language=version.primary_language,
        required_ministries=version.required_ministries,
        content=content,
        content_hash=version.content_hash,
        change_summary=version.change_summary,
        signoffs=signoff_positions(version, signoffs),
        open_comments=[
            comment_out(c) for c in comments.list_comments(session, version, open_only=True)
        ],
        signature=signature_preview(session, version, official, actions),
        available_actions=actions,
        review_round=version.review_round,
        submitted_at=version.submitted_at,
        respond_by=version.respond_by,
        endorsed_at=version.endorsed_at,
        effective_date=version.effective_date,
        review_due=version.review_due,
        withdrawn_reason=version.withdrawn_reason,
        created_at=version.created_at,
        updated_at=version.updated_at,
        etag=etags.etag(version),
    )


def signature_preview(
    session: Session, version: SopVersion, official: Official | Identity, actions: list[str]
) -> SignaturePreview | None:
    if Action.SIGNOFF not in actions or official.ministry_code is None:
        return None
    return SignaturePreview(
        ministry=official.ministry_code,
        content_hash=version.content_hash,
        meaning=signoff_service.meanings(session, official.ministry_code),
        needs_password=official.kind == Kind.PERSON,
    )


def version_headers(version: SopVersion) -> dict[str, str]:
    return {"ETag": etags.etag(version)}


def created_version_headers(version: SopVersion) -> dict[str, str]:
    """A new version's 201 headers: its ETag and where it lives."""
    return {**version_headers(version), "Location": version_path(version.sop.code, version.number)}
