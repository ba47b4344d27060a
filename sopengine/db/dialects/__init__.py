"""What differs between the databases sopengine runs on, gathered in one place.

Services ask :func:`dialect_of` once per call and use the answer; none of them branches on
the database's name. Supporting another database means one more module here, implementing
:class:`Dialect`, and one more entry in ``_DIALECTS``.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Insert, Select
from sqlalchemy.orm import Session

from sopengine.db.dialects.postgresql import PostgreSQL
from sopengine.db.dialects.query import Query
from sopengine.db.dialects.sqlite import SQLite


class Dialect(Protocol):
    name: str
    serializes_writers: bool
    """One writer at a time for the whole database (a second write transaction would wait)."""

    def insert_unless_exists(self, model: type[Any], **values: Any) -> Insert:
        """``INSERT`` that does nothing when a unique key already holds these values."""
        ...

    def serialize_audit_appends(self, session: Session) -> None:
        """Make this transaction the only one appending to the audit chain until it ends."""
        ...

    def skip_locked(self, query: Query, of: type[Any]) -> Query:
        """Lock the rows ``query`` selects from ``of``, passing over rows others hold."""
        ...

    def full_text_hits(self, words: list[str]) -> Select[tuple[int, int, float]]:
        """``(sop_id, version_id, rank)`` of the search documents matching every word.

        Unordered and unlimited: the caller adds its filters and a limit, so the rank is
        computed only for the rows it keeps.
        """
        ...


_DIALECTS: dict[str, Dialect] = {d.name: d for d in (PostgreSQL(), SQLite())}


def dialect_of(session: Session) -> Dialect:
    """The dialect of the database this session talks to."""
    name = session.get_bind().dialect.name
    try:
        return _DIALECTS[name]
    except KeyError:
        raise NotImplementedError(f"sopengine does not support the {name!r} database") from None
