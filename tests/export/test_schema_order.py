"""Every raw-OOXML helper writes its property elements in ECMA-376's order, by construction.

Each helper is run with every combination of its options; the XML must follow
``schema_order.SEQUENCES`` and pass the independent validator (``tests/export/validation``).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from lxml import etree

from sopengine.export import ooxml, schema_order
from sopengine.export.ooxml import RunStyle, w
from sopengine.export.schema_order import insert, misordered, ordered, position
from tests.export.validation import findings, with_body
from tests.export.xml import local_names

WHEN = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)


def element(xml: str) -> etree._Element:
    """A fragment written with the ``w:`` prefix (and ``x:`` for a foreign extension)."""
    return etree.fromstring(f'<root xmlns:w="{ooxml.W_NS}" xmlns:x="urn:x">{xml}</root>')[0]


# --- the table of sequences ------------------------------------------------------------


def test_position_refuses_a_child_the_schema_does_not_put_there() -> None:
    assert position("tblBorders", "left") < position("tblBorders", "bottom")
    with pytest.raises(ValueError, match="w:tblHeader is not a child of w:tcPr"):
        position("tcPr", "tblHeader")


def test_ordered_sorts_into_schema_order_and_takes_each_child_once() -> None:
    assert [name for name, _ in ordered("rPr", [("lang", 1), ("rtl", 2), ("b", 3)])] == [
        "b",
        "rtl",
        "lang",
    ]
    with pytest.raises(ValueError, match="once"):
        ordered("pPr", [("jc", None), ("jc", None)])


def test_a_paragraph_marks_run_properties_put_revisions_first() -> None:
    assert [n for n, _ in ordered("pPr/rPr", [("b", 0), ("ins", 0)])] == ["ins", "b"]
    p = ooxml.paragraph("Normal", mark=ooxml.Revision("ins", 1, "A", WHEN))
    assert schema_order.container_of(p.find(f"{w('pPr')}/{w('rPr')}")) == "pPr/rPr"


def test_insert_places_replaces_and_steps_over_extensions() -> None:
    sect = element("<w:sectPr><w:pgSz/><x:ext/><w:pgMar/><w:future/><w:docGrid/></w:sectPr>")
    insert(sect, etree.Element(w("bidi")))
    insert(sect, etree.Element(w("headerReference")))
    insert(sect, etree.Element(w("pgMar"), {w("top"): "1"}))
    assert local_names(sect) == [
        "headerReference", "pgSz", "ext", "pgMar", "future", "bidi", "docGrid",
    ]  # fmt: skip
    assert sect.find(w("pgMar")).get(w("top")) == "1"
    insert(sect, etree.Element(w("sectPrChange")))
    assert local_names(sect)[-1] == "sectPrChange"


def test_misordered_names_the_containers_out_of_order() -> None:
    # The reference template's table style as it was: the first finding.
    old = element(
        "<w:tblBorders><w:top/><w:bottom/><w:insideH/><w:left/><w:right/><w:insideV/>"
        "</w:tblBorders>"
    )
    assert misordered(old) == [
        "tblBorders: ['top', 'bottom', 'insideH', 'left', 'right', 'insideV']"
    ]
    assert misordered(element("<w:tcPr><w:tblHeader/></w:tcPr>")) == [
        "tcPr: w:tblHeader does not belong here"
    ]
    assert misordered(element("<w:pPr><w:rPr><w:b/><w:ins/></w:rPr></w:pPr>")) == [
        "pPr/rPr: ['b', 'ins']"
    ]


# --- the helpers -----------------------------------------------------------------------

STYLES = [
    RunStyle(bold, italic, size, color, rtl)
    for bold, italic, size, color, rtl in itertools.product(
        (False, True), (False, True), (None, 9.5), (None, "C00000"), (False, True)
    )
]


def test_runs_in_every_style_write_rpr_in_schema_order() -> None:
    runs = [ooxml.run("نص text", style, "Noto Naskh Arabic") for style in STYLES]
    rtl_bold = runs[STYLES.index(RunStyle(True, True, 9.5, "C00000", True))]
    assert local_names(rtl_bold.find(w("rPr"))) == [
        "rFonts", "b", "bCs", "i", "iCs", "color", "sz", "szCs", "rtl", "lang",
    ]  # fmt: skip
    paragraphs = []
    for run in runs:
        assert misordered(run) == []
        p = ooxml.paragraph()
        p.append(run)
        paragraphs.append(p)
    deleted = ooxml.paragraph()
    ooxml.tracked(
        ooxml.Revision("del", 1, "A", WHEN), [ooxml.run("x", deleted=True)], parent=deleted
    )
    assert findings(with_body(*paragraphs, deleted)) == []


PARAGRAPH_OPTIONS = list(
    itertools.product(
        (None, "Heading1"), (False, True), (None, "center"), (False, True), (False, True),
        (None, "ins", "del"),
    )
)  # fmt: skip


def test_paragraphs_with_every_option_write_ppr_in_schema_order() -> None:
    revisions = ooxml.Revisions("A", WHEN)
    paragraphs = [
        ooxml.paragraph(
            style,
            bidi=bidi,
            align=align,
            keep_next=keep,
            page_break_before=page_break,
            mark=revisions.new(mark) if mark else None,
        )
        for style, bidi, align, keep, page_break, mark in PARAGRAPH_OPTIONS
    ]
    everything = paragraphs[-1]
    assert local_names(everything.find(w("pPr"))) == [
        "pStyle", "keepNext", "pageBreakBefore", "bidi", "jc", "rPr",
    ]  # fmt: skip
    assert all(misordered(p) == [] for p in paragraphs)
    assert findings(with_body(*paragraphs)) == []


def test_tables_and_rows_with_every_option_write_tblpr_trpr_tcpr_in_schema_order() -> None:
    revisions = ooxml.Revisions("A", WHEN)
    tables = []
    for style, bidi, header_row in itertools.product(
        (None, "SOPTable"), (False, True), (False, True)
    ):
        tbl = ooxml.table([3000, 6000], style=style, bidi=bidi, header_row=header_row)
        for header, mark in itertools.product((False, True), (None, "ins", "del")):
            cells = [[ooxml.paragraph("TableText")], []]
            ooxml.table_row(
                tbl, [3000, 6000], cells, header=header, mark=revisions.new(mark) if mark else None
            )
        tables += [tbl, ooxml.paragraph()]
    full = tables[-2]
    assert local_names(full.find(w("tblPr"))) == [
        "tblStyle", "bidiVisual", "tblW", "jc", "tblLayout", "tblLook",
    ]  # fmt: skip
    rows = full.findall(w("tr"))
    assert [
        local_names(r.find(w("trPr"))) if r.find(w("trPr")) is not None else [] for r in rows
    ] == [
        [],
        ["trHeight", "ins"],
        ["trHeight", "del"],
        ["cantSplit", "tblHeader"],
        ["cantSplit", "tblHeader", "ins"],
        ["cantSplit", "tblHeader", "del"],
    ]
    assert rows[1].find(f"{w('trPr')}/{w('trHeight')}").get(w("hRule")) == "auto"
    assert all(misordered(t) == [] for t in tables)
    assert findings(with_body(*tables)) == []


def test_fields_toc_bookmarks_and_watermark_are_valid() -> None:
    toc = ooxml.toc(
        [
            ooxml.TocEntry(1, [ooxml.run("1. Purpose")], "_Toc000001"),
            ooxml.TocEntry(2, [ooxml.run("1.1 Step", RunStyle(rtl=True))], "_Toc000002"),
        ],
        bidi=True,
    )
    heading = ooxml.paragraph("Heading1", bidi=True)
    heading.append(ooxml.run("Purpose"))
    ooxml.bookmark(heading, 1, "_Toc000001")
    footer = ooxml.paragraph("Footer", align="center")
    footer.extend(ooxml.field("PAGE", "1", RunStyle(rtl=True), "Noto Naskh Arabic"))
    blocks = [*toc, heading, footer, ooxml.watermark('DRAFT "&" مسودة', font="Arial")]
    assert all(misordered(b) == [] for b in blocks)
    assert findings(with_body(*blocks)) == []


def test_settings_and_section_edits_keep_schema_order() -> None:
    settings = element(
        '<w:settings><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/><w:compat/>'
        '<w:themeFontLang w:val="en-GB"/><w:decimalSymbol w:val="."/></w:settings>'
    )
    ooxml.set_update_fields(settings)
    sect = element("<w:sectPr><w:pgSz/><w:pgMar/><w:cols/><w:docGrid/></w:sectPr>")
    ooxml.set_section_bidi(sect)
    assert misordered(settings) == misordered(sect) == []
    assert local_names(settings).index("updateFields") == 2
