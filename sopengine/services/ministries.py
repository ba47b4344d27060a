"""The ministries that write, review and sign SOPs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sopengine.db.models import Ministry
from sopengine.db.repositories import ministries


def list_ministries(session: Session) -> Sequence[Ministry]:
    return ministries.all_by_code(session)
