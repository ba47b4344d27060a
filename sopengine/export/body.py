"""The text and list sections (purpose, scope, definitions …) and the annexes.

Every section walks *pairs* of old and new items. A plain export pairs each item with
itself; a redline pairs the base version with the new one, and the same code then emits
tracked changes for whatever differs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sopengine.export.context import Column, Ctx, ItemRow
from sopengine.export.diffing import Pair, item_key
from sopengine.export.labels import LABELS
from sopengine.export.writer import Line, Span

# --- sections --------------------------------------------------------------------------

CellMaker = Callable[[Ctx, Pair[Any], str], list[Span]]


def _localized(name: str) -> CellMaker:
    return lambda ctx, pair, lang: ctx.loc(pair.attr(name), lang)


def _ministry(name: str) -> CellMaker:
    return lambda ctx, pair, lang: ctx.ministry(pair.attr(name), lang)


def _neutral(name: str) -> CellMaker:
    """A language-neutral string (a citation), the same in every language."""
    return lambda ctx, pair, lang: ctx.text(pair.attr(name).old, pair.attr(name).new)


LIST_SECTIONS: dict[str, list[tuple[Column, CellMaker]]] = {
    "definitions": [
        (Column("term", 1, "first"), _localized("term")),
        (Column("definition", 3, "colon"), _localized("definition")),
    ],
    "references": [
        (Column("reference", 3, "first"), _localized("title")),
        (Column("citation", 1.2, "labelled"), _neutral("citation")),
    ],
    "responsibilities": [
        (Column("ministry", 1.3, "first"), _ministry("ministry")),
        (Column("duties", 3, "colon"), _localized("duties")),
    ],
    "records": [
        (Column("record", 2, "first"), _localized("name")),
        (Column("kept_by", 2, "labelled"), _ministry("kept_by")),
        (Column("retention", 1, "labelled"), _localized("retention")),
    ],
}


def render_text_section(ctx: Ctx, key: str) -> None:
    """Purpose or scope: one localized text."""
    pair = Pair(getattr(ctx.base.content, key), getattr(ctx.new.content, key))
    ctx.prose([({lang: [Line(ctx.loc(pair, lang))] for lang in ctx.langs}, None)])


def render_list_section(ctx: Ctx, key: str) -> None:
    """Definitions, references, responsibilities or records."""
    columns = LIST_SECTIONS[key]
    old, new = getattr(ctx.base.content, key), getattr(ctx.new.content, key)
    rows = [
        ItemRow([ctx.per_lang(partial(make, ctx, p)) for _, make in columns], p.change)
        for p in ctx.pairs(old, new, item_key(key))
    ]
    ctx.items([column for column, _ in columns], rows)


def render_annexes(ctx: Ctx, key: str = "annexes") -> None:
    annexes = ctx.pairs(ctx.base.content.annexes, ctx.new.content.annexes, item_key(key))
    if not annexes:
        ctx.not_applicable()
    for i, pair in enumerate(annexes, start=1):
        title = pair.attr("title")
        heading: list[Span] = []
        for k, lg in enumerate(ctx.langs):
            heading += [Span(" — ")] if k else [Span(f"{LABELS['annex'][lg]} {i}: ")]
            heading += ctx.loc(title, lg)
        ctx.w.heading(2, Line(heading, pair.change), rtl=ctx.rtl_tables)
        body = pair.attr("body")
        ctx.prose([({lg: [Line(ctx.loc(body, lg))] for lg in ctx.langs}, pair.change)])
