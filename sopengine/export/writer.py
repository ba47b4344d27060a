"""A small document writer over ``ooxml``: paragraphs of spans, tables built row by row,
headings that feed the table of contents, and tracked changes when a redline asks for them.

Blocks are collected in a list and inserted into the body once, so writing stays linear in
the size of the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from sopengine.export import ooxml
from sopengine.export.diffing import Op, Segment

TABLE_STYLE = "SOPTable"
DETAILS_STYLE = "SOPDetails"
CELL_STYLE = "TableText"
HEADER_CELL_STYLE = "TableHeading"
TOC_LEVELS = 2


LRM = "\u200e"
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_HAS_ARABIC = re.compile(f"[{_ARABIC}]")
_HAS_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Latin words inside an Arabic paragraph (codes, citations, "2026-05-02 11:00 UTC"): kept in
# left-to-right runs, with the numbers that lead into them.
_LATIN_CHUNK = re.compile(
    r"(?:[0-9][0-9\-/.:]* +)*"
    r"[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f]*(?:[ \-/._:&+']+[A-Za-z0-9\u00c0-\u024f]+)*",
    re.ASCII,
)
# Arabic words inside a left-to-right paragraph: marked rtl so they take the Arabic font.
_ARABIC_CHUNK = re.compile(f"[{_ARABIC}](?:[{_ARABIC}0-9\\s\\-/.,:،؛]*[{_ARABIC}])?")


def is_rtl_text(text: str) -> bool:
    """True when the first strong character is Arabic (for strings of unknown language)."""
    arabic, latin = _HAS_ARABIC.search(text), _HAS_LATIN.search(text)
    return arabic is not None and (latin is None or arabic.start() < latin.start())


def direction_chunks(text: str, rtl_paragraph: bool) -> list[tuple[str, bool]]:
    """Split text into (chunk, is_rtl) runs the way Word does when one types it."""
    pattern, marked = (_LATIN_CHUNK, False) if rtl_paragraph else (_ARABIC_CHUNK, True)
    probe = _HAS_LATIN if rtl_paragraph else _HAS_ARABIC
    if not probe.search(text):
        return [(text, rtl_paragraph)] if text else []
    chunks: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            chunks.append((text[at : match.start()], not marked))
        chunk = match.group()
        if rtl_paragraph and chunk[0].isdigit():
            # A left-to-right mark makes leading numbers part of the Latin phrase, which then
            # reads left to right as a whole ("2026-05-02 11:00 UTC", not "UTC 11:00 …").
            chunk = LRM + chunk
        chunks.append((chunk, marked))
        at = match.end()
    if at < len(text):
        chunks.append((text[at:], not marked))
    return chunks


def runs(
    text: str,
    style: ooxml.RunStyle,
    cs_font: str,
    *,
    rtl_paragraph: bool,
    deleted: bool = False,
    parent: etree._Element | None = None,
) -> list[etree._Element]:
    """Runs for text in a paragraph of the given direction, Arabic chunks marked ``w:rtl``."""
    return [
        ooxml.run(
            chunk,
            ooxml.RunStyle(style.bold, style.italic, style.size_pt, style.color, rtl),
            cs_font,
            deleted=deleted,
            parent=parent,
        )
        for chunk, rtl in direction_chunks(text, rtl_paragraph)
    ]


@dataclass(frozen=True)
class Span:
    text: str
    op: Op = "equal"
    bold: bool = False
    italic: bool = False


def spans(segments: Iterable[Segment], *, bold: bool = False, italic: bool = False) -> list[Span]:
    return [Span(text, op, bold, italic) for op, text in segments]


def plain(text: str, *, bold: bool = False, italic: bool = False) -> list[Span]:
    return [Span(text, "equal", bold, italic)] if text else []


@dataclass(frozen=True)
class Line:
    """One paragraph's spans; ``change`` tracks the whole paragraph as inserted or deleted."""

    spans: list[Span]
    change: Op | None = None


class Writer:
    def __init__(
        self,
        *,
        cs_font: str,
        text_width: int,
        revisions: ooxml.Revisions | None = None,
        scratch: etree._Element | None = None,
    ) -> None:
        self.cs_font = cs_font
        self.text_width = text_width
        self.revisions = revisions
        self.blocks: list[etree._Element] = []
        # Elements are built under a scratch element of the target document: moving them
        # into place later stays inside one lxml document, which is cheap.
        self.scratch = scratch if scratch is not None else etree.Element("scratch")
        self.toc_entries: list[ooxml.TocEntry] = []
        self._bookmarks = 0

    def revision(self, op: Op | None) -> ooxml.Revision | None:
        if op is None or op == "equal":
            return None
        if self.revisions is None:
            raise ValueError("tracked changes need a Revisions (author and date)")
        return self.revisions.new("ins" if op == "insert" else "del")

    def p(
        self,
        content: Line | Sequence[Span] | str,
        *,
        rtl: bool,
        style: str | None = None,
        align: str | None = None,
        keep_next: bool = False,
        page_break_before: bool = False,
        size: float | None = None,
        color: str | None = None,
    ) -> etree._Element:
        """A paragraph (not yet placed): Arabic chunks as rtl runs, changed spans tracked."""
        if isinstance(content, str):
            content = Line(plain(content))
        elif not isinstance(content, Line):
            content = Line(list(content))
        para = ooxml.paragraph(
            style,
            bidi=rtl,
            align=align,
            keep_next=keep_next,
            page_break_before=page_break_before,
            mark=self.revision(content.change),
            parent=self.scratch,
        )
        for span in content.spans:
            if not span.text:
                continue
            op = content.change or span.op
            rev = self.revision(op)
            runs(
                span.text,
                ooxml.RunStyle(span.bold, span.italic, size, color),
                self.cs_font,
                rtl_paragraph=rtl,
                deleted=op == "delete",
                parent=para if rev is None else ooxml.tracked(rev, parent=para),
            )
        return para

    def add(self, *elements: etree._Element) -> None:
        self.blocks.extend(elements)

    def heading(
        self, level: int, content: Line, *, rtl: bool, page_break_before: bool = False
    ) -> None:
        """A heading paragraph, bookmarked and listed in the TOC unless it is deleted."""
        para = self.p(
            content, rtl=rtl, style=f"Heading{level}", page_break_before=page_break_before
        )
        if level <= TOC_LEVELS and content.change != "delete":
            self._bookmarks += 1
            name = f"_Toc{self._bookmarks:06d}"
            bookmark_id = self.revisions.take_id() if self.revisions else self._bookmarks
            ooxml.bookmark(para, bookmark_id, name)
            shown = [s for s in content.spans if s.op != "delete"]
            toc_runs = [
                run
                for s in shown
                for run in runs(s.text, ooxml.RunStyle(), self.cs_font, rtl_paragraph=rtl)
            ]
            self.toc_entries.append(ooxml.TocEntry(level, toc_runs, name))
        self.blocks.append(para)

    def widths(self, weights: Sequence[float]) -> list[int]:
        total = sum(weights)
        widths = [int(self.text_width * weight / total) for weight in weights]
        widths[-1] += self.text_width - sum(widths)
        return widths

    def table(
        self,
        weights: Sequence[float],
        *,
        bidi: bool,
        style: str = TABLE_STYLE,
        header_row: bool = True,
    ) -> TableBuilder:
        widths = self.widths(weights)
        tbl = ooxml.table(
            widths, style=style, bidi=bidi, header_row=header_row, parent=self.scratch
        )
        self.blocks.append(tbl)
        return TableBuilder(self, tbl, widths)


class TableBuilder:
    def __init__(self, writer: Writer, tbl: etree._Element, widths: list[int]) -> None:
        self.writer = writer
        self.tbl = tbl
        self.widths = widths

    def row(
        self,
        cells: Sequence[Sequence[etree._Element]],
        *,
        header: bool = False,
        change: Op | None = None,
    ) -> None:
        ooxml.table_row(
            self.tbl,
            self.widths,
            cells,
            header=header,
            mark=self.writer.revision(change),
        )
