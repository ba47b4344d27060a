"""Reading the ministries (seeded by migration; the service never changes them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.models import Ministry


def all_by_code(session: Session) -> Sequence[Ministry]:
    return session.scalars(select(Ministry).order_by(Ministry.code)).all()
