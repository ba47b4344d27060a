"""Recording a ministry's decision on a text, and the endorsement it may complete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Ministry, Official, SignOff, SopVersion
from sopengine.domain import permissions
from sopengine.domain import signoff as so
from sopengine.domain.permissions import Action
from sopengine.errors import FieldError, NotFound, StaleContentHash, ValidationFailed, pointer
from sopengine.services import audit, facts, webhooks
from sopengine.services.workflow import fire_internal


def load_signoffs(session: Session, version: SopVersion) -> list[SignOff]:
    """Every sign-off on the version, oldest first; none is looked up before a first round."""
    if version.review_round == 0:
        return []
    return list(
        session.scalars(
            select(SignOff)
            .where(SignOff.version_id == version.id)
            .order_by(SignOff.decided_at, SignOff.id)
            .options(joinedload(SignOff.official))
        )
    )


@dataclass(frozen=True)
class SignOffInput:
    decision: str
    content_hash: str
    comment: str = ""


def record_signoff(
    session: Session,
    settings: Settings,
    actor: Official,
    version: SopVersion,
    ministry: str,
    data: SignOffInput,
) -> list[SignOff]:
    """Append a ministry's decision; the last required approval endorses the version.

    Answers every sign-off of the version, the new one included.
    """
    if ministry not in version.required_ministries:
        raise NotFound(f"{ministry} is not among the ministries required to sign this version")
    permissions.authorize(Action.SIGNOFF, actor, facts.of_version(version, ministry=ministry))
    if data.content_hash != version.content_hash:
        raise StaleContentHash(
            "the content hash you sent is not this version's current text; read it again "
            "and sign what you read"
        )
    comment = data.comment.strip()
    if data.decision == so.Decision.REJECT and not comment:
        raise ValidationFailed([FieldError(pointer("comment"), "a rejection needs reasons")])

    name = session.scalar(select(Ministry.name_en).where(Ministry.code == ministry)) or ministry
    signoff = SignOff(
        version_id=version.id,
        ministry_code=ministry,
        official_id=actor.id,
        decision=data.decision,
        comment=comment,
        content_hash=data.content_hash,
        review_round=version.review_round,
        meaning=so.signature_meaning(data.decision, name),
        decided_at=utcnow(),
    )
    signoff.official = actor
    session.add(signoff)
    session.flush()
    audit.record(
        session,
        actor,
        "signoff.recorded",
        sop_code=version.sop.code,
        version_number=version.number,
        details={
            "ministry": ministry,
            "decision": data.decision,
            "content_hash": data.content_hash,
            "review_round": version.review_round,
        },
    )
    webhooks.emit_for_version(
        session,
        "signoff.recorded",
        version,
        ministry=ministry,
        decision=data.decision,
        comment=comment,
    )
    if data.decision == so.Decision.REJECT:
        webhooks.emit_for_version(
            session, "version.rejected", version, ministry=ministry, comment=comment
        )

    signoffs = load_signoffs(session, version)
    current = facts.of_version(version, signoffs)
    if current.all_approved:
        fire_internal(session, settings, version, "endorse", current)
    return signoffs
