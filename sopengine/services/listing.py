"""Listing SOPs: filters, keyset pages, and ranked full-text search with snippets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, aliased, defer

from sopengine.db.dialects.query import Query
from sopengine.db.models import SignOff, Sop, SopVersion, VersionMinistry
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


SEARCH_WINDOW = 1000
"""Full-text hits ranked per search, at most (``SOPENGINE_SEARCH_WINDOW``): a word every SOP
contains costs the same at a hundred thousand SOPs as at a thousand (the first matches the
index finds are ranked; a narrower word or a filter ranks all of its matches)."""


def list_sops(
    session: Session,
    filters: SopFilters,
    *,
    after_id: int = 0,
    offset: int = 0,
    limit: int = 50,
    window: int = SEARCH_WINDOW,
) -> Page:
    """One page of SOPs, each with its latest version.

    Without ``q``: creation order, keyset-paged by id. With ``q``: ranked full-text hits with
    a highlighted snippet each, paged by offset within the first ``window`` hits.
    """
    if filters.q:
        return _search(session, filters, filters.q, offset=offset, limit=limit, window=window)
    newer = aliased(SopVersion)
    query = (
        select(Sop, SopVersion)
        .join(SopVersion, SopVersion.sop_id == Sop.id)
        # The latest version: none newer (an anti-join on the (sop_id, number) index, so a
        # page stops after its rows instead of aggregating every version first).
        .where(
            ~exists(
                select(newer.id).where(
                    newer.sop_id == Sop.id,
                    newer.sop_id > after_id,
                    newer.number > SopVersion.number,
                )
            )
        )
        # Said of both tables: PostgreSQL carries equalities across a join, not ranges, and
        # without it a deep page would merge-join the versions from the first one.
        .where(Sop.id > after_id, SopVersion.sop_id > after_id)
        .order_by(Sop.id)
        .limit(limit + 1)
        # A list shows no content: it is left unread.
        .options(defer(SopVersion.content))
    )
    rows = session.execute(_filtered(query, filters, after_id)).all()
    page, more = rows[:limit], len(rows) > limit
    items = _listings(session, [(sop, version, None) for sop, version in page], None)
    return Page(items, next_after=page[-1][0].id if more else None)


def _search(
    session: Session, filters: SopFilters, q: str, *, offset: int, limit: int, window: int
) -> Page:
    """Ranked hits: matched and filtered up to ``window`` rows, then ordered and paged.

    The limit comes before the ordering, so ranks are computed for ``window`` rows at most
    and the SOPs and versions are read for the page only (one statement).
    """
    hits = search.hits(session, q)
    if hits is None:
        return Page([])
    found = hits.subquery("found")
    matched = (
        select(found.c.sop_id, found.c.version_id, found.c.rank)
        .join(Sop, Sop.id == found.c.sop_id)
        .join(SopVersion, SopVersion.id == found.c.version_id)
    )
    best = _filtered(matched, filters).limit(window).subquery("best")
    # The page is cut from the ranked hits before the SOPs and versions are joined to it, so
    # those joins are by key for a page of rows (planned on the hits, PostgreSQL would hash
    # the whole SOP table against its estimate of them).
    ranked = (
        select(best)
        .order_by(best.c.rank.desc(), best.c.sop_id)
        .offset(offset)
        .limit(limit + 1)
        .subquery("ranked")
    )
    query = (
        select(Sop, SopVersion, ranked.c.rank)
        .join(ranked, ranked.c.sop_id == Sop.id)
        .join(SopVersion, SopVersion.id == ranked.c.version_id)
        .order_by(ranked.c.rank.desc(), Sop.id)
    )
    rows = session.execute(query).all()
    page, more = rows[:limit], len(rows) > limit
    items = _listings(session, [tuple(row) for row in page], q)
    return Page(items, next_offset=offset + limit if more else None)


def _listings(
    session: Session, rows: list[tuple[Sop, SopVersion, float | None]], q: str | None
) -> list[SopListing]:
    applied = _applied(session, [sop.id for sop, _, _ in rows])
    return [
        SopListing(
            sop,
            version,
            applied_number=applied[sop.id][0] if sop.id in applied else None,
            applied_review_due=applied[sop.id][1] if sop.id in applied else None,
            snippet=_snippet(version, q) if q else None,
            rank=rank,
        )
        for sop, version, rank in rows
    ]


def _filtered(query: Query, filters: SopFilters, after_id: int = 0) -> Query:
    """The filters; ``after_id`` repeated in each subquery keeps a deep page as cheap as the
    first (the planner does not carry ``sops.id > after_id`` into them by itself)."""
    if filters.thematic_area:
        query = query.where(Sop.thematic_area == filters.thematic_area)
    if filters.state:
        other = aliased(SopVersion)
        query = query.where(
            exists(
                select(other.id).where(
                    other.sop_id == Sop.id, other.sop_id > after_id, other.state == filters.state
                )
            )
        )
    if filters.ministry:
        binds = select(VersionMinistry.version_id).where(
            VersionMinistry.version_id == SopVersion.id,
            VersionMinistry.ministry_code == filters.ministry,
        )
        query = query.where(or_(Sop.lead_ministry_code == filters.ministry, exists(binds)))
    if filters.awaiting:
        query = query.where(exists(_awaiting_decision(filters.awaiting, after_id)))
    if filters.review_due_before:
        due = aliased(SopVersion)
        query = query.where(
            exists(
                select(due.id).where(
                    due.sop_id == Sop.id,
                    due.sop_id > after_id,
                    due.state == State.APPLIED,
                    due.review_due <= filters.review_due_before,
                )
            )
        )
    return query


def _snippet(version: SopVersion, q: str) -> Snippet | None:
    # Stored content was validated when written: read as it is, without building the model.
    return snippet(version.title, version.content, q)


def _awaiting_decision(ministry: str, after_id: int) -> Select[int]:
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
        pending.sop_id == Sop.id,
        pending.sop_id > after_id,
        pending.state == State.IN_REVIEW,
        exists(needs),
        ~exists(decided),
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
