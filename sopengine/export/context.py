"""The rendering context: one rendering's writer, version, redline base and languages.

``Ctx`` also holds the layouts every section shares (prose in one language or side by side,
item tables, section headings). It walks *pairs* of old and new items: a plain export pairs
each item with itself, a redline pairs the base version with the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from lxml import etree

from sopengine.domain.content import RTL_LANGUAGES
from sopengine.export.diffing import (
    Op,
    Pair,
    canonical_key,
    pair_list,
    same_pairs,
)
from sopengine.export.diffing import text_segments as _segments
from sopengine.export.labels import LABELS, SECTION_TITLES
from sopengine.export.view import SopDocument
from sopengine.export.writer import (
    CELL_STYLE,
    DETAILS_STYLE,
    HEADER_CELL_STYLE,
    Line,
    Span,
    Writer,
    plain,
    spans,
)

T = TypeVar("T")
Inline = Literal["first", "colon", "labelled"]
PerLang = dict[str, list[Span]]
BULLET = "• "


@dataclass(frozen=True)
class Column:
    label: str
    weight: float
    inline: Inline


@dataclass(frozen=True)
class ItemRow:
    cells: list[PerLang]
    change: Op | None


class Ctx:
    """One rendering: the writer, the version (and the redline base), and the languages."""

    def __init__(
        self, writer: Writer, new: SopDocument, old: SopDocument | None, langs: list[str]
    ) -> None:
        self.w, self.new, self.old, self.langs = writer, new, old, langs
        self.bilingual = len(langs) > 1
        self.rtl_tables = langs == ["ar"]

    @staticmethod
    def rtl(lang: str) -> bool:
        return lang in RTL_LANGUAGES

    def pairs(
        self, old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable] = canonical_key
    ) -> list[Pair[T]]:
        return same_pairs(new) if self.old is None else pair_list(old, new, key)

    def text(self, old: str | None, new: str | None, *, bold: bool = False) -> list[Span]:
        if old == new:
            return plain(new or "", bold=bold)
        return spans(_segments(old, new), bold=bold)

    def loc(self, pair: Pair[Any], lang: str, *, bold: bool = False) -> list[Span]:
        """Spans of a localized text pair in one language."""
        old = pair.old.get(lang) if pair.old is not None else None
        new = pair.new.get(lang) if pair.new is not None else None
        return self.text(old, new, bold=bold)

    def label(self, key: str, lang: str, *, bold: bool = False) -> list[Span]:
        return plain(LABELS[key][lang], bold=bold)

    def ministry(self, pair: Pair[str], lang: str) -> list[Span]:
        old = self.base.ministry_name(pair.old, lang) if pair.old is not None else None
        new = self.new.ministry_name(pair.new, lang) if pair.new is not None else None
        return self.text(old, new)

    def ministries(self, pair: Pair[list[str]], lang: str) -> list[Span]:
        old = self.base.ministry_names(pair.old, lang) if pair.old else None
        new = self.new.ministry_names(pair.new, lang) if pair.new else None
        return self.text(old, new)

    @property
    def base(self) -> SopDocument:
        """What the text is compared with: the redline's base version, else the version itself."""
        return self.old or self.new

    # --- layouts -----------------------------------------------------------------------

    def cell(
        self, lines: Sequence[Line], lang: str, style: str | None = CELL_STYLE
    ) -> list[etree._Element]:
        return [self.w.p(line, rtl=self.rtl(lang), style=style) for line in lines]

    def section_heading(self, number: int, key: str, *, page_break: bool = False) -> None:
        titles = SECTION_TITLES[key]
        if self.bilingual:
            line = Line(plain(f"{number}. {titles['en']} — {titles['ar']}"))
        else:
            line = Line(plain(f"{number}. {titles[self.langs[0]]}"))
        self.w.heading(1, line, rtl=self.rtl_tables, page_break_before=page_break)

    def prose(self, rows: Sequence[tuple[dict[str, list[Line]], Op | None]]) -> None:
        """Paragraphs in one language, or English and Arabic side by side in a two-column table."""
        if not self.bilingual:
            lang = self.langs[0]
            for lines, change in rows:
                for line in lines[lang]:
                    self.w.add(
                        self.w.p(Line(line.spans, change or line.change), rtl=self.rtl(lang))
                    )
            return
        table = self.w.table([1] * len(self.langs), bidi=False, style=DETAILS_STYLE)
        for lines, change in rows:
            table.row(
                [
                    self.cell(
                        [Line(li.spans, change or li.change) for li in lines[lang]], lang, None
                    )
                    for lang in self.langs
                ],
                change=change,
            )

    def not_applicable(self) -> None:
        self.prose(
            [({lang: [Line(self.label("not_applicable", lang))] for lang in self.langs}, None)]
        )

    def items(self, columns: Sequence[Column], rows: Sequence[ItemRow]) -> None:
        """A list section: a table in one language, side-by-side sentences when bilingual."""
        if not rows:
            self.not_applicable()
            return
        if self.bilingual:
            self.prose(
                [
                    (
                        {lang: [Line(self._inline(columns, row, lang))] for lang in self.langs},
                        row.change,
                    )
                    for row in rows
                ]
            )
            return
        lang = self.langs[0]
        table = self.w.table([c.weight for c in columns], bidi=self.rtl_tables)
        table.row(
            [
                self.cell([Line(self.label(c.label, lang))], lang, HEADER_CELL_STYLE)
                for c in columns
            ],
            header=True,
        )
        for row in rows:
            table.row(
                [self.cell([Line(cell[lang])], lang) for cell in row.cells], change=row.change
            )

    def _inline(self, columns: Sequence[Column], row: ItemRow, lang: str) -> list[Span]:
        out: list[Span] = []
        for column, cell in zip(columns, row.cells, strict=True):
            content = cell[lang]
            if not content:
                continue
            if column.inline == "first":
                out += [Span(s.text, s.op, True, s.italic) for s in content]
            elif column.inline == "colon":
                out += [Span(": "), *content]
            else:
                out += [Span(" · "), *self.label(column.label, lang), Span(": "), *content]
        return out

    def per_lang(self, make: Callable[[str], list[Span]]) -> PerLang:
        return {lang: make(lang) for lang in self.langs}
