"""Reminders: ``review.due`` ahead of an applied SOP's review date, and sign-off deadlines."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sopengine.config import Settings
from sopengine.db.dialects import dialect_of
from sopengine.db.models import ReviewReminder, SignoffReminder, Sop, SopVersion
from sopengine.domain import notices
from sopengine.domain import signoff as so
from sopengine.domain.workflow import State
from sopengine.services import audit, webhooks
from sopengine.services.signoffs import load_signoffs


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


def announce_deadlines(session: Session, settings: Settings, today: date) -> int:
    """Emit ``signoff.due_soon`` and ``signoff.overdue`` once per round to pending ministries."""
    days = settings.notice_deadline_working_days
    query = (
        select(SopVersion)
        .where(
            SopVersion.state == State.IN_REVIEW,
            SopVersion.respond_by.is_not(None),
            SopVersion.respond_by <= so.add_working_days(today, days),
        )
        .options(selectinload(SopVersion.sop), selectinload(SopVersion.ministries))
    )
    count = 0
    for version in session.scalars(dialect_of(session).skip_locked(query, SopVersion)).all():
        assert version.respond_by is not None and version.submitted_at is not None
        positions = so.current_positions(
            version.required_ministries,
            load_signoffs(session, version),
            version.content_hash,
            version.review_round,
        )
        owed = notices.deadline_due(version.respond_by, version.submitted_at.date(), today, days)
        for ministry, position in positions.items():
            if position is not None or owed is None:
                continue
            key = (version.id, version.review_round, ministry, owed.value)
            if session.get(SignoffReminder, key) is not None:
                continue
            session.add(
                SignoffReminder(
                    version_id=version.id,
                    review_round=version.review_round,
                    ministry_code=ministry,
                    deadline=owed.value,
                )
            )
            webhooks.emit(
                session,
                owed.value,
                sop_code=version.sop.code,
                ministries=[ministry],
                data=webhooks.version_data(
                    version, ministry=ministry, respond_by=version.respond_by.isoformat()
                ),
            )
            count += 1
    session.flush()
    return count
