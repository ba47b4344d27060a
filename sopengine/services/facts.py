"""The facts the rule book asks about, taken from rows already loaded."""

from __future__ import annotations

from collections.abc import Sequence

from sopengine.db.models import Comment, SignOff, Sop, SopVersion
from sopengine.domain import signoff as so
from sopengine.domain.workflow import OPEN_STATES, Facts


def positions(version: SopVersion, signoffs: Sequence[SignOff]) -> dict[str, SignOff | None]:
    """Each required ministry's decision that counts now (None: pending)."""
    found: dict[str, SignOff | None] = {}
    counting = so.current_positions(
        version.required_ministries, signoffs, version.content_hash, version.review_round
    )
    for ministry, position in counting.items():
        found[ministry] = position if isinstance(position, SignOff) else None
    return found


def of_version(
    version: SopVersion,
    signoffs: Sequence[SignOff] = (),
    *,
    newer_in_force: int | None = None,
    ministry: str | None = None,
) -> Facts:
    return Facts(
        state=version.state,
        lead_ministry=version.sop.lead_ministry_code,
        required_ministries=frozenset(version.required_ministries),
        submitted_by_id=version.submitted_by_id,
        all_approved=so.all_approved(positions(version, signoffs)),
        newer_in_force=newer_in_force,
        ministry=ministry,
    )


def of_comment(version: SopVersion, comment: Comment) -> Facts:
    return Facts(
        state=version.state,
        lead_ministry=version.sop.lead_ministry_code,
        required_ministries=frozenset(version.required_ministries),
        author_id=comment.author_id,
    )


def of_sop(sop: Sop, versions: Sequence[SopVersion]) -> Facts:
    """For a revision: the latest version's ministries, and any version still open."""
    latest = versions[-1]
    still_open = next((v for v in versions if v.state in OPEN_STATES), None)
    return Facts(
        state=latest.state,
        lead_ministry=sop.lead_ministry_code,
        required_ministries=frozenset(latest.required_ministries),
        open_version=still_open.number if still_open else None,
        open_state=still_open.state if still_open else None,
    )
