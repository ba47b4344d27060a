"""Rendered Word files: structure, Arabic right-to-left, fields, watermark, tables, properties."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from sopengine.export.docx import default_template, render
from sopengine.export.view import LanguageNotAvailable
from tests.export.docs import HASH, make_doc
from tests.export.xml import has_arabic, part, text, xpath


def body(docx_bytes: bytes) -> etree._Element:
    return xpath(part(docx_bytes, "word/document.xml"), "w:body")[0]


def paragraphs_with_text(element: etree._Element) -> list[tuple[etree._Element, str]]:
    return [(p, text(p)) for p in xpath(element, ".//w:p") if text(p).strip()]


def tables(docx_bytes: bytes) -> list[etree._Element]:
    return xpath(body(docx_bytes), "w:tbl")


def table_with_header(docx_bytes: bytes, *headers: str) -> etree._Element:
    """The first table whose first row starts with these cells."""
    for tbl in tables(docx_bytes):
        rows = xpath(tbl, "w:tr")
        first = [text(tc) for tc in xpath(rows[0], "w:tc")] if rows else []
        if first[: len(headers)] == list(headers):
            return tbl
    raise AssertionError(f"no table headed {headers!r}")


def rows_text(tbl: etree._Element) -> list[list[str]]:
    return [[text(tc) for tc in xpath(tr, "w:tc")] for tr in xpath(tbl, "w:tr")]


@pytest.mark.parametrize("lang", ["en", "ar", "bilingual"])
def test_every_export_opens_with_python_docx(rendered: dict[str, bytes], lang: str) -> None:
    document = docx.Document(io.BytesIO(rendered[lang]))
    assert document.paragraphs
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)


def test_arabic_paragraphs_are_right_to_left_with_arabic_font_and_language(
    rendered: dict[str, bytes],
) -> None:
    for lang, count in (("ar", 121), ("bilingual", 100)):
        arabic = [p for p, value in paragraphs_with_text(body(rendered[lang])) if has_arabic(value)]
        assert len(arabic) == count, lang
        for p in arabic:
            runs = [r for r in xpath(p, ".//w:r") if has_arabic(text(r))]
            assert runs
            for r in runs:
                assert xpath(r, "w:rPr/w:rtl"), text(r)
                assert xpath(r, "w:rPr/w:rFonts/@w:cs") == ["Noto Naskh Arabic"]
                assert xpath(r, "w:rPr/w:lang/@w:bidi") == ["ar-IQ"]
    for p, value in paragraphs_with_text(body(rendered["ar"])):
        assert xpath(p, "w:pPr/w:bidi"), value


def test_bilingual_cells_each_keep_their_own_direction(rendered: dict[str, bytes]) -> None:
    purpose = next(
        tbl for tbl in tables(rendered["bilingual"]) if "Coordinate the dignified" in text(tbl)
    )
    english, arabic = xpath(purpose, "w:tr/w:tc")
    assert "Coordinate" in text(english) and not xpath(english, ".//w:pPr/w:bidi")
    assert has_arabic(text(arabic)) and xpath(arabic, "w:p/w:pPr/w:bidi")
    assert not xpath(purpose, "w:tblPr/w:bidiVisual")


def test_arabic_tables_and_section_are_right_to_left(rendered: dict[str, bytes]) -> None:
    ar_tables = tables(rendered["ar"])
    assert ar_tables and all(xpath(t, "w:tblPr/w:bidiVisual") for t in ar_tables)
    assert xpath(body(rendered["ar"]), "w:sectPr/w:bidi")
    assert not any(xpath(t, "w:tblPr/w:bidiVisual") for t in tables(rendered["en"]))
    assert not xpath(body(rendered["en"]), "w:sectPr/w:bidi")


ARABIC_LABELS = (
    "الغرض",
    "النطاق",
    "التعريفات",
    "الأساس القانوني",
    "الأدوار والمسؤوليات",
    "الإجراءات",
    "مصفوفة توزيع المسؤوليات",
    "السجلات والنماذج",
    "الملاحق",
    "المصادقة والتوقيع",
    "ضبط الوثيقة",
    "المحتويات",
    "الجهة المنفذة",
    "الجهات الساندة",
    "المدخلات",
    "المخرجات",
    "المهلة الزمنية",
    "قيد الانتظار",
    "جمهورية العراق",
    "إجراءات التشغيل القياسية",
)


@pytest.mark.parametrize("label", ARABIC_LABELS)
def test_arabic_export_has_arabic_labels(rendered: dict[str, bytes], label: str) -> None:
    all_text = text(body(rendered["ar"]))
    assert label in all_text
    assert "Purpose" not in all_text and "Procedure" not in all_text


def test_headings_are_numbered_sections_and_nested_steps(rendered: dict[str, bytes]) -> None:
    headings = [
        (xpath(p, "w:pPr/w:pStyle/@w:val")[0], value)
        for p, value in paragraphs_with_text(body(rendered["en"]))
        if xpath(p, "w:pPr/w:pStyle[starts-with(@w:val, 'Heading')]")
    ]
    assert [v for s, v in headings if s == "Heading1"] == [
        "1. Purpose",
        "2. Scope",
        "3. Definitions",
        "4. Legal and policy basis",
        "5. Roles and responsibilities",
        "6. Procedure",
        "7. RACI matrix",
        "8. Records and forms",
        "9. Annexes",
        "10. Sign-off",
    ]
    assert ("Heading2", "1  Register arrival") in headings
    assert ("Heading3", "2.1  Consular follow-up") in headings


def test_step_details_show_actor_supporting_inputs_outputs_and_time_limit(
    rendered: dict[str, bytes],
) -> None:
    details = table_with_header(rendered["en"], "Actor")
    assert rows_text(details) == [
        ["Actor", "Ministry of Interior"],
        ["Supporting", "Ministry of Migration and Displaced"],
        ["Inputs", "• Travel document"],
        ["Outputs", "• Arrival record"],
        ["Time limit", "24 hours"],
    ]


def test_cover_page_names_ministries_code_title_version_state_and_area(
    rendered: dict[str, bytes],
) -> None:
    cover_text = [value for _, value in paragraphs_with_text(body(rendered["en"]))[:8]]
    assert cover_text[:5] == [
        "Republic of Iraq",
        "Ministry of Migration and Displaced",
        "Ministry of Foreign Affairs",
        "Ministry of Interior",
        "Standard Operating Procedure",
    ]
    assert "Return and reintegration" in cover_text
    facts = dict(rows_text(tables(rendered["en"])[0]))
    assert facts == {
        "SOP code": "SOP-RR-001",
        "Version": "2",
        "State": "In review",
        "Thematic area": "Return and reintegration",
        "Lead ministry": "Ministry of Migration and Displaced",
        "Effective date": "Not yet in force",
    }


def test_document_control_lists_every_version(rendered: dict[str, bytes]) -> None:
    control = table_with_header(rendered["en"], "Version")
    assert rows_text(control)[1:] == [
        ["1", "Applied", "2026-01-05", "2026-02-01", "First version"],
        ["2", "In review", "2026-05-01", "—", "Adds consular follow-up"],
    ]


def test_toc_field_and_update_fields_setting(rendered: dict[str, bytes]) -> None:
    for lang, data in rendered.items():
        instructions = [t.text for t in xpath(body(data), ".//w:instrText")]
        assert any(i.strip().startswith("TOC \\o") for i in instructions), lang
        settings = part(data, "word/settings.xml")
        assert xpath(settings, "w:updateFields/@w:val") == ["true"]
        headings = xpath(body(data), ".//w:p[w:pPr/w:pStyle/@w:val='Heading1']/w:bookmarkStart")
        anchors = xpath(body(data), ".//w:hyperlink/@w:anchor")
        assert {b.get(f"{{{b.nsmap['w']}}}name") for b in headings} <= set(anchors)


@pytest.mark.parametrize(("lang", "words"), [("en", "Page of"), ("ar", "الصفحة من")])
def test_footer_has_page_x_of_y_fields(rendered: dict[str, bytes], lang: str, words: str) -> None:
    footer = part(rendered[lang], "word/footer1.xml")
    instructions = [t.text.strip() for t in xpath(footer, ".//w:instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    visible = re.sub(r"\d", "", text(footer))
    assert visible.split() == words.split()


def test_header_shows_code_and_version(rendered: dict[str, bytes]) -> None:
    assert "SOP-RR-001 · Version 2" in text(part(rendered["en"], "word/header1.xml"))
    assert "الإصدار 2" in text(part(rendered["ar"], "word/header1.xml"))
    bilingual = text(part(rendered["bilingual"], "word/header1.xml"))
    assert "Version 2" in bilingual and "الإصدار 2" in bilingual


def watermark_text(docx_bytes: bytes) -> list[str]:
    header = part(docx_bytes, "word/header1.xml")
    return [s.get("string") for s in xpath(header, ".//v:shape/v:textpath")]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", ["DRAFT"]),
        ("in_review", ["DRAFT"]),
        ("withdrawn", ["WITHDRAWN"]),
        ("endorsed", []),
        ("applied", []),
        ("superseded", []),
    ],
)
def test_watermark_only_when_not_endorsed(state: str, expected: list[str]) -> None:
    assert watermark_text(render(make_doc(state=state), "en")) == expected


def test_watermark_speaks_the_document_language(rendered: dict[str, bytes]) -> None:
    assert watermark_text(rendered["ar"]) == ["مسودة"]
    assert watermark_text(rendered["bilingual"]) == ["DRAFT  مسودة"]


def test_signoff_rows_one_per_required_ministry(rendered: dict[str, bytes]) -> None:
    rows = rows_text(table_with_header(rendered["en"], "Ministry", "Official"))
    assert rows[0] == ["Ministry", "Official", "Position", "Decision", "Date", "Hash signed"]
    by_ministry = {row[0]: row for row in rows[1:]}
    assert list(by_ministry) == [
        "Ministry of Migration and Displaced",
        "Ministry of Foreign Affairs",
        "Ministry of Interior",
    ]
    assert by_ministry["Ministry of Foreign Affairs"][1:] == [
        "—",
        "—",
        "Pending",
        "—",
        "pending",
    ]
    moi = by_ministry["Ministry of Interior"]
    assert moi[1:3] == ["Ali Hassan", "Director General"]
    assert moi[3].startswith("Approved") and "on behalf of the Ministry of Interior" in moi[3]
    assert moi[4] == "2026-05-02 09:30 UTC"
    assert moi[5] == HASH[:12]
    assert by_ministry["Ministry of Migration and Displaced"][3].startswith("Rejected")
    assert HASH in text(body(rendered["en"]))  # the full fingerprint is printed


def test_arabic_signoff_says_pending_in_arabic(rendered: dict[str, bytes]) -> None:
    rows = rows_text(table_with_header(rendered["ar"], "الوزارة", "المسؤول"))
    assert rows[2][5] == "قيد الانتظار"


def test_raci_cells(rendered: dict[str, bytes]) -> None:
    rows = rows_text(table_with_header(rendered["en"], "Step"))
    assert rows[0] == ["Step", "MOMD", "MFA", "MOI"]
    assert rows[1:] == [
        ["1  Register arrival", "A/C", "I", "R"],
        ["2  Reintegration plan", "A/R", "I", "I"],
        ["2.1  Consular follow-up", "A/C", "R", "I"],
    ]
    header_row = xpath(table_with_header(rendered["en"], "Step"), "w:tr[1]/w:trPr/w:tblHeader")
    assert header_row  # repeats on every page


def test_core_properties_and_no_python_docx_leftovers(rendered: dict[str, bytes]) -> None:
    props = docx.Document(io.BytesIO(rendered["en"])).core_properties
    assert props.title == "Return and reintegration"
    assert "SOP-RR-001" in props.subject and "Version 2" in props.subject
    assert props.author == "Ministry of Migration and Displaced"
    assert props.last_modified_by == "sopengine"
    assert props.comments == ""
    assert props.revision == 2
    assert props.created.isoformat().startswith("2026-05-03T12:00")
    assert docx.Document(io.BytesIO(rendered["ar"])).core_properties.author == (
        "وزارة الهجرة والمهجرين"
    )
    with zipfile.ZipFile(io.BytesIO(rendered["en"])) as archive:
        names = archive.namelist()
        assert not any("thumbnail" in n or n.startswith("customXml") for n in names)
        for name in names:
            assert b"python-docx" not in archive.read(name), name


def test_every_style_the_renderer_uses_is_defined_in_the_template(
    rendered: dict[str, bytes],
) -> None:
    for data in rendered.values():
        styles = set(xpath(part(data, "word/styles.xml"), "w:style/@w:styleId"))
        used = set(
            xpath(part(data, "word/document.xml"), "//w:pStyle/@w:val | //w:tblStyle/@w:val")
        )
        used |= set(xpath(part(data, "word/footer1.xml"), "//w:pStyle/@w:val"))
        assert used <= styles, used - styles


def test_render_uses_the_given_template(tmp_path: Path) -> None:
    template = tmp_path / "ministry.docx"
    shutil.copy(default_template(), template)
    with zipfile.ZipFile(default_template()) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["word/styles.xml"] = entries["word/styles.xml"].replace(b"1F3864", b"006400")
    with zipfile.ZipFile(template, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    styles = part(render(make_doc(), "en", template), "word/styles.xml")
    assert b"006400" in etree.tostring(styles)
    assert b"006400" not in etree.tostring(part(render(make_doc(), "en"), "word/styles.xml"))


def test_a_language_the_version_lacks_is_refused() -> None:
    doc = make_doc(
        languages=["en"],
        title={"en": "Return"},
        content={"purpose": {"en": "P"}, "scope": {"en": "S"}},
    )
    assert "Return" in text(body(render(doc, "en")))
    for lang in ("ar", "bilingual"):
        with pytest.raises(LanguageNotAvailable):
            render(doc, lang)


def test_empty_sections_say_not_applicable() -> None:
    doc = make_doc(content={"purpose": {"en": "P", "ar": "غ"}, "scope": {"en": "S", "ar": "ن"}})
    all_text = text(body(render(doc, "en")))
    assert all_text.count("Not applicable.") == 7  # lists, procedure, RACI and annexes
    assert "10. Sign-off" in all_text
