"""The pages around the content: cover, document control, contents, sign-off, header and footer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from lxml import etree

from sopengine.domain.signoff import signature_meaning_ar
from sopengine.export import ooxml
from sopengine.export.context import Ctx
from sopengine.export.diffing import Pair
from sopengine.export.labels import (
    DECISIONS,
    DEFAULT_WATERMARK,
    LABELS,
    STATES,
    THEMATIC_AREAS,
    WATERMARKS,
    Localized,
    localized,
)
from sopengine.export.view import SignoffView, SopDocument
from sopengine.export.writer import (
    CELL_STYLE,
    HEADER_CELL_STYLE,
    Line,
    Span,
    is_rtl_text,
    plain,
    runs,
)

Value = Callable[[str], list[Span]] | str
"""A table value: per-language spans, or one language-neutral string (codes, dates, hashes)."""


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "—"


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cell(ctx: Ctx, value: Value, style: str = CELL_STYLE) -> list[etree._Element]:
    if isinstance(value, str):
        return [ctx.w.p(value, rtl=is_rtl_text(value) or ctx.rtl_tables, style=style)]
    return [ctx.w.p(Line(value(lg)), rtl=ctx.rtl(lg), style=style) for lg in ctx.langs]


def _label(ctx: Ctx, key: str) -> Callable[[str], list[Span]]:
    return lambda lg: ctx.label(key, lg)


def _texts(texts: Localized, *, bold: bool = False) -> Callable[[str], list[Span]]:
    """Per-language spans of a text given in each language.

    A factory rather than a lambda in the caller's loop, so each row keeps its own text.
    """
    return lambda lg: plain(texts[lg], bold=bold)


def _ministry(doc: SopDocument, code: str) -> Callable[[str], list[Span]]:
    return lambda lg: plain(doc.ministry_name(code, lg))


def _grid(ctx: Ctx, weights: list[float], header: list[str], rows: list[list[Value]]) -> None:
    table = ctx.w.table(weights, bidi=ctx.rtl_tables)
    table.row([_cell(ctx, _label(ctx, key), HEADER_CELL_STYLE) for key in header], header=True)
    for row in rows:
        table.row([_cell(ctx, value) for value in row])


def _each_lang(
    ctx: Ctx, make: Callable[[str], str], style: str, *, color: str | None = None
) -> None:
    for lg in ctx.langs:
        ctx.w.add(ctx.w.p(make(lg), rtl=ctx.rtl(lg), style=style, color=color))


def cover(ctx: Ctx) -> None:
    doc = ctx.new
    _each_lang(ctx, lambda lg: LABELS["republic"][lg], "CoverLine")
    old_ministries = ctx.old.binding_ministries if ctx.old else doc.binding_ministries
    for pair in ctx.pairs(old_ministries, doc.binding_ministries, str):
        for lg in ctx.langs:
            ctx.w.add(
                ctx.w.p(
                    Line(ctx.ministry(pair, lg), pair.change), rtl=ctx.rtl(lg), style="CoverLine"
                )
            )
    _each_lang(ctx, lambda lg: LABELS["sop"][lg], "Subtitle")
    title = Pair(ctx.old.title if ctx.old else doc.title, doc.title)
    for lg in ctx.langs:
        ctx.w.add(ctx.w.p(Line(ctx.loc(title, lg)), rtl=ctx.rtl(lg), style="Title"))
    version: Value = str(doc.number)
    if ctx.old is not None:
        old_number = ctx.old.number
        _each_lang(
            ctx,
            lambda lg: LABELS["redline"][lg].format(old=old_number, new=doc.number),
            "Subtitle",
            color="C00000",
        )

        def version(lg: str) -> list[Span]:
            compared = LABELS["compared_with"][lg].format(old=old_number)
            return plain(f"{doc.number} ({compared})")

    effective: Value = (
        fmt_date(doc.effective_date) if doc.effective_date else _label(ctx, "not_in_force")
    )
    rows: list[tuple[str, Value]] = [
        ("code", doc.code),
        ("version", version),
        ("state", lambda lg: plain(localized(STATES, doc.state)[lg])),
        ("thematic_area", lambda lg: plain(localized(THEMATIC_AREAS, doc.thematic_area)[lg])),
        ("lead_ministry", lambda lg: plain(doc.ministry_name(doc.lead_ministry, lg))),
        ("effective_date", effective),
    ]
    if doc.review_due:
        rows.append(("review_due", fmt_date(doc.review_due)))
    ctx.w.add(ctx.w.p("", rtl=ctx.rtl_tables))
    table = ctx.w.table([1, 1.6], bidi=ctx.rtl_tables, header_row=False)
    for key, value in rows:
        table.row([_cell(ctx, _label(ctx, key), HEADER_CELL_STYLE), _cell(ctx, value)])


def _front_heading(ctx: Ctx, key: str, *, page_break: bool) -> None:
    text = " — ".join(LABELS[key][lg] for lg in ctx.langs)
    ctx.w.add(ctx.w.p(text, rtl=ctx.rtl_tables, style="FrontHeading", page_break_before=page_break))


def document_control(ctx: Ctx) -> None:
    doc = ctx.new
    _front_heading(ctx, "document_control", page_break=True)
    rows: list[list[Value]] = []
    for row in sorted(doc.history, key=lambda h: h.number):
        rows.append(
            [
                str(row.number),
                _texts(localized(STATES, row.state)),
                fmt_date(row.created_at.date()),
                fmt_date(row.effective_date),
                row.change_summary or "—",
            ]
        )
    _grid(
        ctx,
        [1.1, 1.4, 1.3, 1.3, 4],
        ["version", "state", "created", "effective_date", "change_summary"],
        rows,
    )


def contents(ctx: Ctx) -> int:
    """The contents heading; returns where the TOC goes once all headings are known."""
    ctx.w.add(ctx.w.p("", rtl=ctx.rtl_tables))
    _front_heading(ctx, "contents", page_break=False)
    return len(ctx.w.blocks)


def signoff(ctx: Ctx, number: int) -> None:
    doc = ctx.new
    ctx.section_heading(number, "signoff", page_break=True)
    _each_lang(ctx, lambda lg: LABELS["signoff_intro"][lg], "Normal")
    for lg in ctx.langs:
        line = [*ctx.label("content_hash", lg, bold=True), Span(": "), Span(doc.content_hash)]
        ctx.w.add(ctx.w.p(Line(line), rtl=ctx.rtl(lg)))
    table = ctx.w.table([2.1, 1.6, 1.6, 1.6, 1.4, 1.7], bidi=ctx.rtl_tables)
    header = ["ministry", "official", "position", "decision", "date", "hash_signed"]
    table.row([_cell(ctx, _label(ctx, key), HEADER_CELL_STYLE) for key in header], header=True)
    for s in doc.signoffs:
        decision = DECISIONS.get(s.decision) or localized({}, s.decision or "")
        decision_cell = _cell(ctx, _texts(decision, bold=True))
        if s.meaning:
            for lg in ctx.langs:
                text = s.meaning if lg == "en" else _meaning_ar(doc, s)
                decision_cell.append(
                    ctx.w.p(Line(plain(text, italic=True)), style=CELL_STYLE, rtl=is_rtl_text(text))
                )
        official_cell = _cell(ctx, s.official_name or "—")
        if s.method:
            # Who signed: a person who gave its password again, or the ministry's system.
            for lg in ctx.langs:
                text = LABELS[f"signed_by_{s.method}"][lg]
                official_cell.append(
                    ctx.w.p(Line(plain(text, italic=True)), style=CELL_STYLE, rtl=ctx.rtl(lg))
                )
        signed = s.content_hash[:12] if s.decision and s.content_hash else None
        table.row(
            [
                _cell(ctx, _ministry(doc, s.ministry)),
                official_cell,
                _cell(ctx, s.position or "—"),
                decision_cell,
                _cell(ctx, fmt_time(s.decided_at)),
                _cell(ctx, signed or _label(ctx, "pending")),
            ]
        )
    for lg in ctx.langs:
        text = (
            f"{LABELS['exported'][lg]}: {fmt_time(doc.exported_at)} · "
            f"{LABELS['audit_head'][lg]}: {doc.audit_head or '—'}"
        )
        ctx.w.add(ctx.w.p(text, rtl=ctx.rtl(lg), style="Meta"))


def _meaning_ar(doc: SopDocument, s: SignoffView) -> str:
    """As recorded; sign-offs made before the Arabic meaning was kept get it stated now."""
    return s.meaning_ar or signature_meaning_ar(
        s.decision or "", doc.ministry_name(s.ministry, "ar")
    )


def _story_table(ctx: Ctx, cells: list[list[etree._Element]]) -> etree._Element:
    """A borderless one-row table: English left, Arabic right, each in its own direction."""
    widths = ctx.w.widths([1] * len(cells))
    tbl = ooxml.table(widths, header_row=False)
    ooxml.table_row(tbl, widths, cells)
    return tbl


def header_story(ctx: Ctx, *, latin_font: str) -> list[etree._Element]:
    """Code, version and state on every page, and the watermark when not endorsed."""
    doc = ctx.new
    paragraphs: list[etree._Element] = []
    for lg in ctx.langs:
        state = localized(STATES, doc.state)[lg]
        text = f"{doc.code} · {LABELS['version'][lg]} {doc.number} · {state}"
        paragraphs.append(ctx.w.p(text, rtl=ctx.rtl(lg), style="Header"))
    story: list[etree._Element] = (
        [_story_table(ctx, [[p] for p in paragraphs]), ooxml.paragraph("Header")]
        if ctx.bilingual
        else paragraphs
    )
    if not doc.is_endorsed:
        mark = WATERMARKS.get(doc.state, DEFAULT_WATERMARK)
        word = "  ".join(mark[lg] for lg in ctx.langs)
        font = ctx.w.cs_font if ctx.langs == ["ar"] else latin_font
        story.append(ooxml.watermark(word, font=font))
    return story


def footer_story(ctx: Ctx) -> list[etree._Element]:
    """Page X of Y (PAGE and NUMPAGES fields) in each language."""
    paragraphs: list[etree._Element] = []
    for lg in ctx.langs:
        rtl = ctx.rtl(lg)
        style = ooxml.RunStyle(rtl=rtl)
        font = ctx.w.cs_font
        p = ooxml.paragraph("Footer", bidi=rtl, align=None if ctx.bilingual else "center")
        p.extend(runs(f"{LABELS['page'][lg]} ", style, font, rtl_paragraph=rtl))
        p.extend(ooxml.field("PAGE", "1", style, font))
        p.extend(runs(f" {LABELS['of'][lg]} ", style, font, rtl_paragraph=rtl))
        p.extend(ooxml.field("NUMPAGES", "1", style, font))
        paragraphs.append(p)
    if ctx.bilingual:
        return [_story_table(ctx, [[p] for p in paragraphs]), ooxml.paragraph("Footer")]
    return paragraphs
