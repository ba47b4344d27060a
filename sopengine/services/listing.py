"""Listing SOPs: filters, keyset pages, and ranked full-text search with snippets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, literal, or_, select
from sqlalchemy.orm import Session, aliased, defer

from sopengine.db.dialects.query import Query
from sopengine.db.models import SignOff, Sop, SopVersion, VersionMinistry
from sopengine.domain.content import SopContent
from sopengine.domain.search import Snippet, snippet
from sopengine.domain.workflow import State
from sopengine.services import search


@dataclass(frozen=True)
class SopListing:
    sop: Sop
    latest: SopVersion
    applied_number: int | None
    applied_review_due: date | None = None
    snippet: Snippet | None = None
    rank: float | None = None


@dataclass(frozen=True)
class SopFilters:
    thematic_area: str | None = None
    ministry: str | None = None
    state: str | None = None
    awaiting: str | None = None
    review_due_before: date | None = None
    q: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[SopListing]
    next_after: int | None = None
    next_offset: int | None = None


def list_sops(
    session: Session, filters: SopFilters, *, after_id: int = 0, offset: int = 0, limit: int = 50
) -> Page:
    """One page of SOPs, each with its latest version.

    Without ``q``: creation order, keyset-paged by id. With ``q``: ranked full-text hits with
    a highlighted snippet each, paged by offset.
    """
    ranked = search.ranked(session, filters.q) if filters.q else None
    if filters.q and ranked is None:
        return Page([])
    rank = ranked.c.rank if ranked is not None else literal(None)
    newer = aliased(SopVersion)
    query = (
        select(Sop, SopVersion, rank)
        .join(SopVersion, SopVersion.sop_id == Sop.id)
        # The latest version: none newer (an anti-join on the (sop_id, number) index, so a
        # page stops after its rows instead of aggregating every version first).
        .where(
            ~exists(
                select(newer.id).where(newer.sop_id == Sop.id, newer.number > SopVersion.number)
            )
        )
        .limit(limit + 1)
    )
    if not filters.q:
        # The content is read only for a search snippet.
        query = query.options(defer(SopVersion.content))
    query = _filtered(query, filters)
    if ranked is not None:
        query = (
            query.join(ranked, ranked.c.sop_id == Sop.id)
            .order_by(ranked.c.rank.desc(), Sop.id)
            .offset(offset)
        )
    else:
        query = query.where(Sop.id > after_id).order_by(Sop.id)
    rows = session.execute(query).all()
    page, more = rows[:limit], len(rows) > limit
    applied = _applied(session, [sop.id for sop, _, _ in page])
    items = [
        SopListing(
            sop,
            version,
            applied_number=applied[sop.id][0] if sop.id in applied else None,
            applied_review_due=applied[sop.id][1] if sop.id in applied else None,
            snippet=_snippet(version, filters.q) if filters.q else None,
            rank=rank,
        )
        for sop, version, rank in page
    ]
    if not more:
        return Page(items)
    if ranked is not None:
        return Page(items, next_offset=offset + limit)
    return Page(items, next_after=page[-1][0].id)


def _filtered(query: Query, filters: SopFilters) -> Query:
    if filters.thematic_area:
        query = query.where(Sop.thematic_area == filters.thematic_area)
    if filters.state:
        other = aliased(SopVersion)
        query = query.where(
            exists(select(other.id).where(other.sop_id == Sop.id, other.state == filters.state))
        )
    if filters.ministry:
        binds = select(VersionMinistry.version_id).where(
            VersionMinistry.version_id == SopVersion.id,
            VersionMinistry.ministry_code == filters.ministry,
        )
        query = query.where(or_(Sop.lead_ministry_code == filters.ministry, exists(binds)))
    if filters.awaiting:
        query = query.where(exists(_awaiting_decision(filters.awaiting)))
    if filters.review_due_before:
        due = aliased(SopVersion)
        query = query.where(
            exists(
                select(due.id).where(
                    due.sop_id == Sop.id,
                    due.state == State.APPLIED,
                    due.review_due <= filters.review_due_before,
                )
            )
        )
    return query


def _snippet(version: SopVersion, q: str) -> Snippet | None:
    return snippet(version.title, SopContent.model_validate(version.content), q)


def _awaiting_decision(ministry: str) -> Select[int]:
    """A version of the SOP in review that needs this ministry and has no decision from it yet."""
    pending = aliased(SopVersion)
    decided = select(SignOff.id).where(
        SignOff.version_id == pending.id,
        SignOff.ministry_code == ministry,
        SignOff.review_round == pending.review_round,
        SignOff.content_hash == pending.content_hash,
    )
    needs = select(VersionMinistry.version_id).where(
        VersionMinistry.version_id == pending.id, VersionMinistry.ministry_code == ministry
    )
    return select(pending.id).where(
        pending.sop_id == Sop.id, pending.state == State.IN_REVIEW, exists(needs), ~exists(decided)
    )


def _applied(session: Session, sop_ids: list[int]) -> dict[int, tuple[int, date | None]]:
    """The applied version's number and review date of each SOP that has one."""
    if not sop_ids:
        return {}
    rows = session.execute(
        select(SopVersion.sop_id, SopVersion.number, SopVersion.review_due).where(
            SopVersion.sop_id.in_(sop_ids), SopVersion.state == State.APPLIED
        )
    )
    return {sop_id: (number, due) for sop_id, number, due in rows}
