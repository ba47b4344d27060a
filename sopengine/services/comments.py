"""Comments anchored to places in a version's content; threaded and resolvable."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from sopengine.db.base import utcnow
from sopengine.db.models import Comment, Official, SopVersion
from sopengine.db.repositories.prebuilt import prebuilt
from sopengine.domain import permissions
from sopengine.domain.content import SopContent, anchors
from sopengine.domain.permissions import Action
from sopengine.domain.text import text_problems
from sopengine.errors import FieldError, NotFound, ValidationFailed, pointer
from sopengine.services import audit, facts, webhooks


def list_comments(
    session: Session, version: SopVersion, *, open_only: bool = False
) -> list[Comment]:
    query = _OPEN_COMMENTS if open_only else _COMMENTS
    return list(session.scalars(query, {"version_id": version.id}))


_ALL = (
    select(Comment)
    .where(Comment.version_id == bindparam("version_id"))
    .order_by(Comment.id)
    .options(joinedload(Comment.author))
)
_COMMENTS = prebuilt(_ALL)
_OPEN_COMMENTS = prebuilt(_ALL.where(Comment.resolved_at.is_(None)))


def add_comment(
    session: Session,
    actor: Official,
    version: SopVersion,
    anchor: str,
    body: str,
    parent_id: int | None = None,
) -> Comment:
    permissions.authorize(Action.COMMENT, actor, facts.of_version(version))
    errors = []
    if anchor not in anchors(SopContent.model_validate(version.content)):
        errors.append(
            FieldError(pointer("anchor"), f"{anchor!r} is not a place in version {version.number}")
        )
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.version_id != version.id:
            errors.append(FieldError(pointer("parent_id"), "no such comment on this version"))
    if not body.strip():
        errors.append(FieldError(pointer("body"), "must not be empty"))
    errors += text_problems({"anchor": anchor, "body": body})
    if errors:
        raise ValidationFailed(errors)
    comment = Comment(
        version_id=version.id,
        anchor=anchor,
        body=body.strip(),
        author_id=actor.id,
        parent_id=parent_id,
        created_at=utcnow(),
    )
    comment.author = actor
    session.add(comment)
    session.flush()
    webhooks.emit_for_version(
        session,
        "comment.created",
        version,
        comment_id=comment.id,
        anchor=anchor,
        author=actor.name,
        parent_id=parent_id,
    )
    audit.record(
        session,
        actor,
        "comment.created",
        sop_code=version.sop.code,
        version_number=version.number,
        details={"comment_id": comment.id, "anchor": anchor, "parent_id": parent_id},
    )
    return comment


def set_resolved(
    session: Session, actor: Official, version: SopVersion, comment_id: int, resolved: bool
) -> Comment:
    comment = session.scalar(
        select(Comment)
        .where(Comment.id == comment_id, Comment.version_id == version.id)
        .options(joinedload(Comment.author))
    )
    if comment is None:
        raise NotFound(f"no comment {comment_id} on this version")
    permissions.authorize(Action.RESOLVE_COMMENT, actor, facts.of_comment(version, comment))
    if resolved == (comment.resolved_at is not None):
        return comment
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by_id = actor.id if resolved else None
    session.flush()
    audit.record(
        session,
        actor,
        "comment.resolved" if resolved else "comment.reopened",
        sop_code=version.sop.code,
        version_number=version.number,
        details={"comment_id": comment.id},
    )
    return comment
