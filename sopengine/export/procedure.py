"""The procedure (numbered, nested steps with their actors) and the RACI matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sopengine.domain.content import StepAt, walk_steps
from sopengine.export.context import BULLET, Ctx
from sopengine.export.diffing import Pair, pair_steps, same_pairs
from sopengine.export.labels import LABELS
from sopengine.export.writer import CELL_STYLE, DETAILS_STYLE, HEADER_CELL_STYLE, Line, Span


def step_pairs(ctx: Ctx) -> list[Pair[StepAt]]:
    """Steps in document order (1, 1.1, 2 …), paired with the base version's by id."""
    if ctx.old is None:
        return same_pairs(list(walk_steps(ctx.new.content.procedure)))
    return pair_steps(ctx.old.content, ctx.new.content)


def _step_field(pair: Pair[StepAt], name: str) -> Pair[Any]:
    return pair.map(lambda at: getattr(at.step, name))


def step_title(ctx: Ctx, pair: Pair[StepAt], lang: str) -> list[Span]:
    numbers = pair.attr("number")
    return [
        *ctx.text(numbers.old, numbers.new),
        Span("  "),
        *ctx.loc(_step_field(pair, "title"), lang),
    ]


def render_procedure(ctx: Ctx, key: str = "procedure") -> None:
    """Each step: a numbered heading, its description, then actor, supporting ministries,
    inputs, outputs and time limit (a two-column table; English | Arabic when bilingual)."""
    pairs = step_pairs(ctx)
    if not pairs:
        ctx.not_applicable()
    for pair in pairs:
        level = min(pair.current.depth + 1, 4)
        if ctx.bilingual:
            title = [
                *step_title(ctx, pair, "en"),
                Span(" — "),
                *ctx.loc(_step_field(pair, "title"), "ar"),
            ]
        else:
            title = step_title(ctx, pair, ctx.langs[0])
        ctx.w.heading(level, Line(title, pair.change), rtl=ctx.rtl_tables)
        _step_details(ctx, pair)


def _step_details(ctx: Ctx, pair: Pair[StepAt]) -> None:
    change = pair.change
    description = _step_field(pair, "description")
    rows: list[tuple[str, Pair[Any], Callable[[Pair[Any], str], list[Line]]]] = []
    rows.append(("actor", _step_field(pair, "actor"), lambda p, lg: [Line(ctx.ministry(p, lg))]))
    supporting = _step_field(pair, "supporting")
    if supporting.old or supporting.new:
        rows.append(
            ("supporting", _nonempty(supporting), lambda p, lg: [Line(ctx.ministries(p, lg))])
        )
    for name in ("inputs", "outputs"):
        items = _step_field(pair, name)
        if items.old or items.new:
            rows.append((name, _nonempty(items), lambda p, lg: _bullets(ctx, p, lg)))
    limit = _step_field(pair, "time_limit")
    if limit.old is not None or limit.new is not None:
        rows.append(("time_limit", limit, lambda p, lg: [Line(ctx.loc(p, lg))]))

    has_description = description.old is not None or description.new is not None
    if not ctx.bilingual:
        lang = ctx.langs[0]
        if has_description:
            line = Line(ctx.loc(description, lang), change or description.change)
            ctx.w.add(ctx.w.p(line, rtl=ctx.rtl(lang), keep_next=True))
        table = ctx.w.table([1, 3.2], bidi=ctx.rtl_tables, style=DETAILS_STYLE)
        for key, value, make in rows:
            row_change = change or value.change
            table.row(
                [
                    ctx.cell([Line(ctx.label(key, lang, bold=True), row_change)], lang),
                    ctx.cell(
                        [Line(li.spans, row_change or li.change) for li in make(value, lang)], lang
                    ),
                ],
                change=row_change,
            )
        return

    table = ctx.w.table([1] * len(ctx.langs), bidi=False, style=DETAILS_STYLE)
    if has_description:
        table.row(
            [
                ctx.cell([Line(ctx.loc(description, lg), change or description.change)], lg, None)
                for lg in ctx.langs
            ],
            change=change or description.change,
        )
    for key, value, make in rows:
        row_change = change or value.change
        cells = []
        for lg in ctx.langs:
            lines = make(value, lg)
            label = [*ctx.label(key, lg, bold=True), Span(": ")]
            if key in ("inputs", "outputs"):
                lines = [Line(label), *lines]
            else:
                lines = [Line(label + lines[0].spans)]
            cells.append(ctx.cell([Line(li.spans, row_change or li.change) for li in lines], lg))
        table.row(cells, change=row_change)


def _nonempty(pair: Pair[Any]) -> Pair[Any]:
    """Treat an empty list as absent so a list that appears or vanishes is one tracked row."""
    if pair.old is pair.new:
        return pair
    return Pair(pair.old or None, pair.new or None)


def _bullets(ctx: Ctx, pair: Pair[Any], lang: str) -> list[Line]:
    items = (
        ctx.pairs(pair.old or [], pair.new or [])
        if pair.old is not pair.new
        else same_pairs(pair.new or [])
    )
    return [Line([Span(BULLET), *ctx.loc(p, lang)], p.change) for p in items]


# --- RACI ------------------------------------------------------------------------------


def render_raci(ctx: Ctx, key: str = "raci") -> None:
    """Steps × binding ministries: R actor, A lead ministry, C supporting, I the others."""
    new_columns = ctx.new.binding_ministries
    old_columns = ctx.old.binding_ministries if ctx.old is not None else new_columns
    columns = new_columns + [m for m in old_columns if m not in new_columns]
    pairs = step_pairs(ctx)
    if not pairs:
        ctx.not_applicable()
        return
    table = ctx.w.table([3.4] + [1] * len(columns), bidi=ctx.rtl_tables)
    header = [
        [
            ctx.w.p(Line(ctx.label("step", lg)), rtl=ctx.rtl(lg), style=HEADER_CELL_STYLE)
            for lg in ctx.langs
        ]
    ]
    for code in columns:
        old_code = code if code in old_columns else None
        new_code = code if code in new_columns else None
        line = Line(ctx.text(old_code, new_code))
        header.append([ctx.w.p(line, rtl=ctx.rtl_tables, style=HEADER_CELL_STYLE, align="center")])
    table.row(header, header=True)
    for pair in pairs:
        old_letters = ctx.base.raci(pair.old.step) if pair.old is not None else {}
        new_letters = ctx.new.raci(pair.new.step) if pair.new is not None else {}
        cells = [
            [
                ctx.w.p(
                    Line(step_title(ctx, pair, lg), pair.change), rtl=ctx.rtl(lg), style=CELL_STYLE
                )
                for lg in ctx.langs
            ]
        ]
        for code in columns:
            line = Line(ctx.text(old_letters.get(code), new_letters.get(code)), pair.change)
            cells.append([ctx.w.p(line, rtl=ctx.rtl_tables, style=CELL_STYLE, align="center")])
        table.row(cells, change=pair.change)
    for lg in ctx.langs:
        separator = "؛ " if lg == "ar" else "; "
        names = separator.join(
            f"{code} = {(ctx.new if code in new_columns else ctx.base).ministry_name(code, lg)}"
            for code in columns
        )
        ctx.w.add(ctx.w.p(LABELS["raci_legend"][lg], rtl=ctx.rtl(lg), style="Meta"))
        ctx.w.add(ctx.w.p(names, rtl=ctx.rtl(lg), style="Meta"))
