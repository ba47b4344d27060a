"""The raw OOXML helpers produce the XML Word expects (element names, order, attributes)."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from sopengine.export import ooxml
from sopengine.export.ooxml import RunStyle, w
from sopengine.export.writer import direction_chunks, is_rtl_text
from tests.export.xml import attr, local_names, xpath

WHEN = datetime(2026, 5, 4, 8, 30, 15, 123456, tzinfo=UTC)


def test_rtl_run_has_complex_script_font_rtl_and_bidi_language_in_schema_order() -> None:
    r = ooxml.run("تسجيل الوصول", RunStyle(bold=True, size_pt=9.5, rtl=True), "Noto Naskh Arabic")
    rpr = r.find(w("rPr"))
    assert local_names(rpr) == ["rFonts", "b", "bCs", "sz", "szCs", "rtl", "lang"]
    assert attr(rpr.find(w("rFonts")), "cs") == "Noto Naskh Arabic"
    assert attr(rpr.find(w("lang")), "bidi") == "ar-IQ"
    assert attr(rpr.find(w("sz")), "val") == "19"
    assert r.find(w("t")).text == "تسجيل الوصول"


def test_plain_run_has_no_properties_and_keeps_spaces() -> None:
    r = ooxml.run(" Ministry ")
    assert r.find(w("rPr")) is None
    t = r.find(w("t"))
    assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_run_turns_newlines_and_tabs_into_breaks_and_tabs() -> None:
    r = ooxml.run("a\tb\nc")
    assert local_names(r) == ["t", "tab", "t", "br", "t"]


def test_deleted_run_uses_del_text() -> None:
    r = ooxml.run("24", deleted=True)
    assert r.find(w("t")) is None
    assert r.find(w("delText")).text == "24"


def test_paragraph_properties_in_schema_order_with_bidi() -> None:
    rev = ooxml.Revision("ins", 7, "Author", WHEN)
    p = ooxml.paragraph(
        "Heading1", bidi=True, align="center", keep_next=True, page_break_before=True, mark=rev
    )
    ppr = p.find(w("pPr"))
    assert local_names(ppr) == ["pStyle", "keepNext", "pageBreakBefore", "bidi", "jc", "rPr"]
    mark = ppr.find(f"{w('rPr')}/{w('ins')}")
    assert attr(mark, "author") == "Author"


def test_direction_chunks_keep_latin_codes_left_to_right_inside_arabic() -> None:
    chunks = direction_chunks("قانون Law 21/2009 للوزارة", rtl_paragraph=True)
    assert chunks == [("قانون ", True), ("Law 21/2009", False), (" للوزارة", True)]
    assert direction_chunks("48 ساعة", rtl_paragraph=True) == [("48 ساعة", True)]
    assert direction_chunks("التاريخ: 2026-05-02 11:00 UTC", rtl_paragraph=True) == [
        ("التاريخ: ", True),
        ("\u200e2026-05-02 11:00 UTC", False),
    ]


def test_direction_chunks_mark_arabic_inside_english() -> None:
    chunks = direction_chunks("1. Purpose — الغرض العام", rtl_paragraph=False)
    assert chunks == [("1. Purpose — ", False), ("الغرض العام", True)]
    assert direction_chunks("Purpose", rtl_paragraph=False) == [("Purpose", False)]


def test_is_rtl_text_looks_at_the_first_strong_character() -> None:
    assert is_rtl_text("سارة محمد")
    assert is_rtl_text("123 سارة Smith")
    assert not is_rtl_text("Ali Hassan (علي)")
    assert not is_rtl_text("2026-05-02")


def test_complex_field_has_begin_instruction_separate_result_end() -> None:
    runs = ooxml.field("NUMPAGES", "1", RunStyle(rtl=True), "Noto Naskh Arabic")
    kinds = [
        attr(r.find(w("fldChar")), "fldCharType") if r.find(w("fldChar")) is not None else None
        for r in runs
    ]
    assert kinds == ["begin", None, "separate", None, "end"]
    assert runs[1].find(w("instrText")).text == " NUMPAGES "
    assert runs[3].find(w("t")).text == "1"
    assert all(r.find(f"{w('rPr')}/{w('rtl')}") is not None for r in runs)


def test_toc_field_spans_its_entries_and_links_them_to_bookmarks() -> None:
    entries = [
        ooxml.TocEntry(1, [ooxml.run("1. Purpose")], "_Toc000001"),
        ooxml.TocEntry(2, [ooxml.run("1  Register arrival")], "_Toc000002"),
    ]
    first, last = ooxml.toc(entries)
    assert attr(first.find(f"{w('pPr')}/{w('pStyle')}"), "val") == "TOC1"
    assert attr(last.find(f"{w('pPr')}/{w('pStyle')}"), "val") == "TOC2"
    instr = xpath(first, ".//w:instrText")[0].text
    assert instr.strip() == 'TOC \\o "1-2" \\h \\z \\u'
    assert [attr(f, "fldCharType") for f in xpath(first, ".//w:fldChar")] == ["begin", "separate"]
    assert [attr(f, "fldCharType") for f in xpath(last, ".//w:fldChar")] == ["end"]
    assert attr(xpath(last, ".//w:hyperlink")[0], "anchor") == "_Toc000002"


def test_empty_toc_is_still_a_complete_field() -> None:
    (p,) = ooxml.toc([])
    assert [attr(f, "fldCharType") for f in xpath(p, ".//w:fldChar")] == [
        "begin",
        "separate",
        "end",
    ]


def test_bookmark_wraps_paragraph_content_after_its_properties() -> None:
    p = ooxml.paragraph("Heading1")
    p.append(ooxml.run("Purpose"))
    ooxml.bookmark(p, 3, "_Toc000003")
    assert local_names(p) == ["pPr", "bookmarkStart", "r", "bookmarkEnd"]
    assert attr(p[1], "name") == "_Toc000003"
    assert attr(p[1], "id") == attr(p[3], "id") == "3"


def test_watermark_is_a_rotated_vml_text_shape_in_a_header_paragraph() -> None:
    p = ooxml.watermark("DRAFT", font="Arial")
    shape = xpath(p, ".//v:shape")[0]
    assert shape.get("id") == "PowerPlusWaterMarkObject1"
    assert "rotation:315" in shape.get("style")
    assert shape.get("type") == "#_x0000_t136"
    textpath = xpath(shape, "v:textpath")[0]
    assert textpath.get("string") == "DRAFT"
    assert "Arial" in textpath.get("style")
    assert xpath(p, ".//v:shapetype/v:textpath")[0].get("on") == "t"


def test_watermark_text_is_escaped() -> None:
    p = ooxml.watermark('DRAFT "&" مسودة', font="Arial")
    assert xpath(p, ".//v:textpath[@string]")[0].get("string") == 'DRAFT "&" مسودة'


def test_revisions_hand_out_unique_ids_with_author_and_utc_date() -> None:
    revisions = ooxml.Revisions("Author", WHEN)
    first, second = revisions.new("ins"), revisions.new("del")
    assert (first.id, second.id, revisions.take_id()) == (1, 2, 3)
    wrapper = ooxml.tracked(second, [ooxml.run("old", deleted=True)])
    assert etree.QName(wrapper).localname == "del"
    assert attr(wrapper, "author") == "Author"
    assert attr(wrapper, "date") == "2026-05-04T08:30:15Z"
    assert wrapper[0].find(w("delText")).text == "old"


def test_update_fields_goes_before_compat_and_is_idempotent() -> None:
    settings = etree.fromstring(
        f'<w:settings xmlns:w="{ooxml.W_NS}"><w:zoom w:percent="100"/><w:compat/>'
        '<w:listSeparator w:val=","/></w:settings>'
    )
    ooxml.set_update_fields(settings)
    ooxml.set_update_fields(settings)
    assert local_names(settings) == ["zoom", "updateFields", "compat", "listSeparator"]
    assert attr(settings.find(w("updateFields")), "val") == "true"


def test_section_bidi_goes_before_doc_grid() -> None:
    sect = etree.fromstring(
        f'<w:sectPr xmlns:w="{ooxml.W_NS}"><w:pgSz/><w:pgMar/><w:docGrid/></w:sectPr>'
    )
    ooxml.set_section_bidi(sect)
    ooxml.set_section_bidi(sect)
    assert local_names(sect) == ["pgSz", "pgMar", "bidi", "docGrid"]


def test_table_properties_grid_and_rows() -> None:
    tbl = ooxml.table([3000, 6000], style="SOPTable", bidi=True)
    assert local_names(tbl.find(w("tblPr"))) == [
        "tblStyle",
        "bidiVisual",
        "tblW",
        "jc",
        "tblLayout",
        "tblLook",
    ]
    assert [attr(c, "w") for c in xpath(tbl, "w:tblGrid/w:gridCol")] == ["3000", "6000"]
    rev = ooxml.Revision("del", 1, "A", WHEN)
    ooxml.table_row(tbl, [3000, 6000], [[ooxml.paragraph()], []], header=True)
    ooxml.table_row(tbl, [3000, 6000], [[ooxml.paragraph()], [ooxml.paragraph()]], mark=rev)
    header, row = xpath(tbl, "w:tr")
    assert local_names(header.find(w("trPr"))) == ["cantSplit", "tblHeader"]
    # A CT_TrPrBase property before the mark: the Open XML SDK refuses a bare w:del.
    assert local_names(row.find(w("trPr"))) == ["trHeight", "del"]
    assert [attr(tc, "w") for tc in xpath(header, "w:tc/w:tcPr/w:tcW")] == ["3000", "6000"]
    assert len(xpath(header, "w:tc[2]/w:p")) == 1  # an empty cell still ends with a paragraph


def test_table_without_heading_row_turns_the_style_first_row_off() -> None:
    tbl = ooxml.table([100], header_row=False)
    assert attr(tbl.find(f"{w('tblPr')}/{w('tblLook')}"), "firstRow") == "0"


def test_custom_properties_round_trip_and_split_long_values() -> None:
    long = "x" * 600 + "é"
    xml = ooxml.custom_properties_xml({"sopengine.code": "SOP-1", "sopengine.long": long})
    root = etree.fromstring(xml)
    props = root.findall(f"{{{ooxml.CUSTOM_NS}}}property")
    assert [p.get("pid") for p in props] == ["2", "3", "4", "5"]  # 601 chars: 3 pieces
    assert {p.get("fmtid") for p in props} == {ooxml.CUSTOM_PROPERTY_FMTID}
    assert all(len(p[0].text or "") <= ooxml.MAX_PROPERTY_CHARS for p in props)
    assert props[0][0].tag == f"{{{ooxml.VT_NS}}}lpwstr"
    assert ooxml.parse_custom_properties(xml) == {"sopengine.code": "SOP-1", "sopengine.long": long}


def test_custom_properties_keep_empty_values() -> None:
    xml = ooxml.custom_properties_xml({"a": ""})
    assert ooxml.parse_custom_properties(xml) == {"a": ""}
