"""The worker's chores between deliveries: announce due reviews and deadlines, derive e-mail
notices from the outbox and gather digests, forget old idempotency keys, sign the audit
chain's head when a checkpoint is due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.services import checkpoints, idempotency, notices, reminders


def housekeeping(factory: sessionmaker[Session], settings: Settings) -> None:
    # One transaction per chore: a failed purge does not take the reminders back.
    with factory.begin() as session:
        reminders.announce_reviews(session, settings, utcnow().date())
    with factory.begin() as session:
        reminders.announce_deadlines(session, settings, utcnow().date())
    while True:  # every event not yet derived, a batch per transaction
        with factory.begin() as session:
            if not notices.derive(session, settings, utcnow()):
                break
    with factory.begin() as session:
        notices.gather_digests(session, settings, utcnow())
    with factory.begin() as session:
        idempotency.purge_expired(session, timedelta(hours=settings.idempotency_ttl_hours))
    with factory.begin() as session:
        checkpoints.make_due(session, settings)
