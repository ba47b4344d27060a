"""Periodic review reminders: ``review.due`` ahead of an applied SOP's review date."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sopengine.config import Settings
from sopengine.db.dialects import dialect_of
from sopengine.db.models import ReviewReminder, Sop, SopVersion
from sopengine.domain.workflow import State
from sopengine.services import audit, webhooks


def announce_reviews(session: Session, settings: Settings, today: date) -> int:
    """Emit ``review.due`` once per applied version and review date, ahead of the date."""
    horizon = today + timedelta(days=settings.review_notice_days)
    query = (
        select(SopVersion)
        .join(Sop, SopVersion.sop_id == Sop.id)
        .where(SopVersion.state == State.APPLIED, SopVersion.review_due <= horizon)
        .where(
            ~select(ReviewReminder.version_id)
            .where(
                ReviewReminder.version_id == SopVersion.id,
                ReviewReminder.review_due == SopVersion.review_due,
            )
            .exists()
        )
        .options(selectinload(SopVersion.sop), selectinload(SopVersion.ministries))
    )
    # Another worker announcing the same version holds its row: leave it to that one.
    due = session.scalars(dialect_of(session).skip_locked(query, SopVersion)).all()
    for version in due:
        assert version.review_due is not None
        session.add(ReviewReminder(version_id=version.id, review_due=version.review_due))
        session.flush()
        due_on = version.review_due.isoformat()
        webhooks.emit_for_version(session, "review.due", version, review_due=due_on)
        audit.record(
            session,
            None,
            "review.due",
            sop_code=version.sop.code,
            version_number=version.number,
            details={"review_due": due_on},
        )
    return len(due)
