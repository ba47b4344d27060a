"""The officials as admins and auditors see them: everyone, and what each holds to get in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.db.models import ApiToken, Official


@dataclass(frozen=True)
class Entry:
    official: Official
    live_tokens: int
    """Tokens not revoked: a system's, or those a person issued itself."""

    @property
    def has_password(self) -> bool:
        return self.official.password_hash is not None


def _live_token_counts(session: Session, official_id: int | None = None) -> dict[int, int]:
    query = (
        select(ApiToken.official_id, func.count())
        .where(ApiToken.revoked_at.is_(None))
        .group_by(ApiToken.official_id)
    )
    if official_id is not None:
        query = query.where(ApiToken.official_id == official_id)
    return dict(session.execute(query).all())


def list_officials(session: Session) -> list[Entry]:
    """Every official, people and systems, by name; two queries whatever their number."""
    counts = _live_token_counts(session)
    return [
        Entry(official, counts.get(official.id, 0))
        for official in session.scalars(select(Official).order_by(Official.name, Official.id))
    ]


def entry(session: Session, official: Official) -> Entry:
    return Entry(official, _live_token_counts(session, official.id).get(official.id, 0))


def names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The names of these officials (e.g. the actors of a page of audit events), in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Official.id, Official.name).where(Official.id.in_(wanted)))
    return dict(rows.all())
