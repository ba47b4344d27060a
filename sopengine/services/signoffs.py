"""Recording a ministry's decision on a text, and the endorsement it may complete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Ministry, Official, SignOff, SopVersion
from sopengine.db.repositories.prebuilt import prebuilt
from sopengine.domain import permissions
from sopengine.domain import signoff as so
from sopengine.domain.permissions import Action
from sopengine.domain.roles import Kind
from sopengine.domain.text import text_problems
from sopengine.errors import FieldError, NotFound, StaleContentHash, ValidationFailed, pointer
from sopengine.services import audit, facts, signin, webhooks
from sopengine.services.workflow import fire_internal


def load_signoffs(session: Session, version: SopVersion) -> list[SignOff]:
    """Every sign-off on the version, oldest first; none is looked up before a first round."""
    if version.review_round == 0:
        return []
    return list(session.scalars(_SIGNOFFS, {"version_id": version.id}))


_SIGNOFFS = prebuilt(
    select(SignOff)
    .where(SignOff.version_id == bindparam("version_id"))
    .order_by(SignOff.decided_at, SignOff.id)
    .options(joinedload(SignOff.official))
)


@dataclass(frozen=True)
class SignOffInput:
    decision: str
    content_hash: str
    comment: str = ""
    password: str | None = None
    """A person's password, asked again at the moment of signing; systems send none."""


def meanings(session: Session, ministry: str) -> dict[str, dict[str, str]]:
    """What approving or rejecting for the ministry means, in English and Arabic."""
    names = session.execute(
        select(Ministry.name_en, Ministry.name_ar).where(Ministry.code == ministry)
    ).first()
    name_en, name_ar = names if names is not None else (ministry, ministry)
    return {
        d.value: {"en": so.signature_meaning(d, name_en), "ar": so.signature_meaning_ar(d, name_ar)}
        for d in so.Decision
    }


def record_signoff(
    session: Session,
    settings: Settings,
    actor: Official,
    version: SopVersion,
    ministry: str,
    data: SignOffInput,
    address: str = "",
) -> list[SignOff]:
    """Append a ministry's decision; the last required approval endorses the version.

    Answers every sign-off of the version, the new one included.
    """
    if ministry not in version.required_ministries:
        raise NotFound(f"{ministry} is not among the ministries required to sign this version")
    permissions.authorize(Action.SIGNOFF, actor, facts.of_version(version, ministry=ministry))
    if actor.kind == Kind.SYSTEM:
        method = so.Method.TOKEN
    else:
        signin.reauthenticate(session, settings, actor, data.password, address)
        method = so.Method.PASSWORD
    if data.content_hash != version.content_hash:
        raise StaleContentHash(
            "the content hash you sent is not this version's current text; read it again "
            "and sign what you read"
        )
    if errors := text_problems({"comment": data.comment}):
        raise ValidationFailed(errors)
    comment = data.comment.strip()
    if data.decision == so.Decision.REJECT and not comment:
        raise ValidationFailed([FieldError(pointer("comment"), "a rejection needs reasons")])

    meaning = meanings(session, ministry)[data.decision]
    signoff = SignOff(
        version_id=version.id,
        ministry_code=ministry,
        official_id=actor.id,
        decision=data.decision,
        comment=comment,
        content_hash=data.content_hash,
        review_round=version.review_round,
        meaning=meaning["en"],
        meaning_ar=meaning["ar"],
        method=method,
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
            "method": method,
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
