"""Recording when an API token was last used, without making the request wait or lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from sopengine.db.dialects import dialect_of
from sopengine.db.models import ApiToken


def record_use(
    session: Session,
    apart: sessionmaker[Session],
    token_id: int,
    now: datetime,
    stale_before: datetime,
) -> None:
    """Set the token's last-used time to ``now`` if it is older than ``stale_before``.

    A conditional update that never waits: a row another request is updating is skipped
    (``FOR UPDATE SKIP LOCKED``; that request records the use). On PostgreSQL it runs in a
    short transaction of its own (a session from ``apart``), so the request's transaction
    neither holds nor waits for the token's row lock. On SQLite the request's transaction
    already holds the database's only write lock (every transaction begins IMMEDIATE), so it
    runs there: a transaction of its own would wait for the request's.
    """
    dialect = dialect_of(session)
    due = dialect.skip_locked(
        select(ApiToken.id).where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < stale_before),
        ),
        of=ApiToken,
    )
    statement = (
        update(ApiToken)
        .where(ApiToken.id.in_(due.scalar_subquery()))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if dialect.serializes_writers:
        session.execute(statement)
        return
    with apart() as own, own.begin():
        own.execute(statement)
