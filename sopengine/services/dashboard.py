"""What needs an official now: the home page's lists, each one bounded query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session, aliased, contains_eager

from sopengine.db.base import utcnow
from sopengine.db.models import SignOff, Sop, SopVersion, VersionMinistry
from sopengine.domain.signoff import Decision
from sopengine.domain.workflow import State

LIMIT = 50


@dataclass(frozen=True)
class Round:
    """A version in review with how many required ministries stand where."""

    version: SopVersion
    required: int
    approved: int
    rejected: int

    @property
    def answered(self) -> int:
        return self.approved + self.rejected

    @property
    def overdue(self) -> bool:
        return self.version.respond_by is not None and utcnow().date() > self.version.respond_by


def _versions(
    session: Session, *conditions: ColumnElement[bool], order: ColumnElement[Any] | None = None
) -> list[SopVersion]:
    query = (
        select(SopVersion)
        .join(Sop, SopVersion.sop_id == Sop.id)
        .options(contains_eager(SopVersion.sop))
        .where(*conditions)
        .order_by(order if order is not None else SopVersion.updated_at.desc())
        .limit(LIMIT)
    )
    return list(session.scalars(query))


def _binds(ministry: str) -> ColumnElement[bool]:
    return exists(
        select(VersionMinistry.version_id).where(
            VersionMinistry.version_id == SopVersion.id, VersionMinistry.ministry_code == ministry
        )
    )


def _current(decision: str | None = None, ministry: str | None = None) -> ColumnElement[bool]:
    """A sign-off that counts in the version's current round on its current text."""
    conditions = [
        SignOff.version_id == SopVersion.id,
        SignOff.review_round == SopVersion.review_round,
        SignOff.content_hash == SopVersion.content_hash,
    ]
    if decision is not None:
        conditions.append(SignOff.decision == decision)
    if ministry is not None:
        conditions.append(SignOff.ministry_code == ministry)
    return exists(select(SignOff.id).where(and_(*conditions)))


def awaiting(session: Session, ministry: str) -> list[SopVersion]:
    """Versions in review that need this ministry's decision and have none yet, soonest due first."""
    return _versions(
        session,
        SopVersion.state == State.IN_REVIEW,
        _binds(ministry),
        ~_current(ministry=ministry),
        order=SopVersion.respond_by.asc(),
    )


def drafts(session: Session, ministry: str | None) -> list[SopVersion]:
    """Drafts binding the ministry (all drafts for a facilitator)."""
    conditions: list[ColumnElement[bool]] = [SopVersion.state == State.DRAFT]
    if ministry is not None:
        conditions.append(_binds(ministry))
    return _versions(session, *conditions)


def sent_back(session: Session, ministry: str | None) -> list[SopVersion]:
    """Versions in review that some ministry rejected in this round (its drafters recall and fix)."""
    conditions: list[ColumnElement[bool]] = [
        SopVersion.state == State.IN_REVIEW,
        _current(Decision.REJECT),
    ]
    if ministry is not None:
        conditions.append(_binds(ministry))
    return _versions(session, *conditions)


def open_rounds(session: Session) -> list[Round]:
    """Every version in review, with how many ministries have answered."""
    versions = _versions(
        session, SopVersion.state == State.IN_REVIEW, order=SopVersion.respond_by.asc()
    )
    if not versions:
        return []
    ids = [v.id for v in versions]
    required = dict(
        session.execute(
            select(VersionMinistry.version_id, func.count())
            .where(VersionMinistry.version_id.in_(ids))
            .group_by(VersionMinistry.version_id)
        ).all()
    )
    latest = (
        select(
            SignOff.version_id,
            SignOff.ministry_code,
            SignOff.decision,
            func.row_number()
            .over(
                partition_by=(SignOff.version_id, SignOff.ministry_code),
                order_by=(SignOff.decided_at.desc(), SignOff.id.desc()),
            )
            .label("n"),
        )
        .join(SopVersion, SopVersion.id == SignOff.version_id)
        .where(
            SignOff.version_id.in_(ids),
            SignOff.review_round == SopVersion.review_round,
            SignOff.content_hash == SopVersion.content_hash,
        )
        .subquery()
    )
    standing = aliased(latest)
    counts: dict[int, dict[str, int]] = {}
    for version_id, decision, n in session.execute(
        select(standing.c.version_id, standing.c.decision, func.count())
        .where(standing.c.n == 1)
        .group_by(standing.c.version_id, standing.c.decision)
    ):
        counts.setdefault(version_id, {})[decision] = n
    return [
        Round(
            v,
            required.get(v.id, 0),
            counts.get(v.id, {}).get(Decision.APPROVE, 0),
            counts.get(v.id, {}).get(Decision.REJECT, 0),
        )
        for v in versions
    ]


def reviews_due(session: Session, within_days: int = 60) -> list[SopVersion]:
    """Applied versions whose periodic review falls within the next days (or has passed)."""
    horizon: date = utcnow().date() + timedelta(days=within_days)
    return _versions(
        session,
        SopVersion.state == State.APPLIED,
        SopVersion.review_due <= horizon,
        order=SopVersion.review_due.asc(),
    )
