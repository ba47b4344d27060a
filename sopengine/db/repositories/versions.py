"""Loading SOPs and their versions, with exactly the relations the caller reads."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Text, bindparam, cast, func, select
from sqlalchemy.orm import (
    Session,
    contains_eager,
    defer,
    joinedload,
    selectinload,
    with_expression,
)

from sopengine.db.models import Sop, SopVersion, VersionMinistry
from sopengine.db.repositories.prebuilt import prebuilt
from sopengine.domain.workflow import State


def sop_by_code(session: Session, code: str) -> Sop | None:
    """The SOP with every version and each version's required ministries."""
    return session.scalar(
        select(Sop)
        .where(Sop.code == code)
        .options(selectinload(Sop.versions).selectinload(SopVersion.ministries))
    )


def sop_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Sop.id).where(Sop.code == code))


def version(
    session: Session, code: str, number: int, *, for_update: bool = False
) -> SopVersion | None:
    """The version with its SOP and required ministries, in one query."""
    query = (
        select(SopVersion)
        .join(Sop, SopVersion.sop_id == Sop.id)
        .where(Sop.code == code, SopVersion.number == number)
        .options(contains_eager(SopVersion.sop), joinedload(SopVersion.ministries))
    )
    if for_update:
        query = query.with_for_update(of=SopVersion)
    return session.execute(query).unique().scalar_one_or_none()


_REQUIRED_CODES = (
    select(func.coalesce(func.aggregate_strings(VersionMinistry.ministry_code, ","), ""))
    .where(VersionMinistry.version_id == SopVersion.id)
    .scalar_subquery()
)
_TO_READ = prebuilt(
    select(SopVersion, cast(SopVersion.content, Text))
    .join(Sop, SopVersion.sop_id == Sop.id)
    .where(Sop.code == bindparam("code"), SopVersion.number == bindparam("number"))
    .options(
        defer(SopVersion.content, raiseload=True),
        contains_eager(SopVersion.sop),
        with_expression(SopVersion.ministry_codes, _REQUIRED_CODES),
    )
)
"""Built once: the statement of the most frequent read is not rebuilt per request."""


def version_to_read(session: Session, code: str, number: int) -> tuple[SopVersion, str] | None:
    """The version with its SOP and required ministries, and its content as the JSON text
    the database holds, in one query returning one row. The content is not decoded (the
    attribute is deferred and raises if touched): a read passes the text through to the
    response. The ministries' codes are aggregated into the row (``ministry_codes``)."""
    row = session.execute(_TO_READ, {"code": code, "number": number}).one_or_none()
    return None if row is None else (row[0], row[1])


def lock_sop(session: Session, code: str) -> Sop | None:
    """The SOP row, locked: revisions and applications of one SOP queue behind each other."""
    return session.scalar(select(Sop).where(Sop.code == code).with_for_update())


def lock_sop_of(session: Session, version: SopVersion) -> None:
    session.execute(select(Sop.id).where(Sop.id == version.sop_id).with_for_update())


def versions_of(session: Session, sop: Sop) -> Sequence[SopVersion]:
    """Every version of the SOP, oldest first, with required ministries."""
    return session.scalars(
        select(SopVersion)
        .where(SopVersion.sop_id == sop.id)
        .order_by(SopVersion.number)
        .options(selectinload(SopVersion.ministries))
    ).all()


def newest_once_in_force_after(session: Session, version: SopVersion) -> int | None:
    """The number of a newer version of the same SOP that is or was applied, if any."""
    return session.scalar(
        select(func.max(SopVersion.number)).where(
            SopVersion.sop_id == version.sop_id,
            SopVersion.number > version.number,
            SopVersion.state.in_([State.APPLIED, State.SUPERSEDED]),
        )
    )


def other_applied_for_update(session: Session, version: SopVersion) -> Sequence[SopVersion]:
    """The SOP's other applied versions (at most one), locked, with required ministries."""
    return session.scalars(
        select(SopVersion)
        .where(
            SopVersion.sop_id == version.sop_id,
            SopVersion.state == State.APPLIED,
            SopVersion.id != version.id,
        )
        .options(selectinload(SopVersion.ministries))
        .with_for_update()
    ).all()
