"""The verifiable-export manifest: custom properties round-trip, the text fingerprint."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from lxml import etree

from sopengine.export.docx import render
from sopengine.export.manifest import (
    body_text,
    document_text_fingerprint,
    manifest,
    read_manifest,
)
from tests.export.docs import HASH, make_doc
from tests.export.xml import NS, part, xpath

CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def rezip(docx_bytes: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
    return out.getvalue()


def edit_document_xml(docx_bytes: bytes, change: object) -> bytes:
    root = part(docx_bytes, "word/document.xml")
    change(root)  # type: ignore[operator]
    return rezip(docx_bytes, {"word/document.xml": etree.tostring(root)})


@pytest.mark.parametrize("lang", ["en", "ar", "bilingual"])
def test_manifest_round_trips_through_custom_properties(
    rendered: dict[str, bytes], lang: str
) -> None:
    data = rendered[lang]
    read = read_manifest(data)
    expected = manifest(make_doc())
    assert {k: read[k] for k in expected} == expected
    assert read["kind"] == "export"
    assert read["language"] == lang
    assert read["text_fingerprint"] == document_text_fingerprint(data)


def test_manifest_content(rendered: dict[str, bytes]) -> None:
    read = read_manifest(rendered["en"])
    assert read["sop_code"] == "SOP-RR-001"
    assert read["version"] == "2"
    assert read["state"] == "in_review"
    assert read["content_hash"] == HASH
    assert read["exported_at"] == "2026-05-03T12:00:00Z"
    assert read["audit_head"] == "9" * 64
    signoffs = json.loads(read["signoffs"])
    assert len(read["signoffs"]) == 453  # over 255: stored in pieces, joined again
    assert [s["ministry"] for s in signoffs] == ["MOMD", "MFA", "MOI"]
    assert signoffs[2] == {
        "ministry": "MOI",
        "decision": "approve",
        "content_hash": HASH,
        "decided_at": "2026-05-02T09:30:00Z",
        "official": "Ali Hassan",
    }
    assert signoffs[1]["decision"] is None


def test_custom_properties_part_has_content_type_and_package_relationship(
    rendered: dict[str, bytes],
) -> None:
    data = rendered["en"]
    types = part(data, "[Content_Types].xml")
    override = types.xpath(
        "//t:Override[@PartName='/docProps/custom.xml']/@ContentType",
        namespaces={"t": "http://schemas.openxmlformats.org/package/2006/content-types"},
    )
    assert override == [CUSTOM_CT]
    rels = part(data, "_rels/.rels")
    targets = rels.xpath(
        f"//r:Relationship[@Type='{CUSTOM_REL}']/@Target",
        namespaces={"r": "http://schemas.openxmlformats.org/package/2006/relationships"},
    )
    assert targets == ["docProps/custom.xml"]


def test_a_file_without_properties_has_an_empty_manifest() -> None:
    out = io.BytesIO()
    docx.Document().save(out)
    assert read_manifest(out.getvalue()) == {}


def test_fingerprint_is_stable_across_renders_and_a_plain_resave(
    rendered: dict[str, bytes],
) -> None:
    data = rendered["bilingual"]
    again = read_manifest(render(make_doc(), "bilingual"))["text_fingerprint"]
    assert again == read_manifest(data)["text_fingerprint"]
    resaved = io.BytesIO()
    docx.Document(io.BytesIO(data)).save(resaved)
    assert document_text_fingerprint(resaved.getvalue()) == read_manifest(data)["text_fingerprint"]


def test_editing_a_paragraph_changes_the_fingerprint(rendered: dict[str, bytes]) -> None:
    data = rendered["en"]
    document = docx.Document(io.BytesIO(data))
    paragraph = next(
        p for p in document.paragraphs if p.text == "Border police register the arrival."
    )
    paragraph.runs[0].text = "Border police register the arrival within a week."
    edited = io.BytesIO()
    document.save(edited)
    assert read_manifest(edited.getvalue()) == read_manifest(data)  # the claim is unchanged…
    assert document_text_fingerprint(edited.getvalue()) != read_manifest(data)["text_fingerprint"]


def test_editing_a_table_cell_changes_the_fingerprint(rendered: dict[str, bytes]) -> None:
    def change(root: etree._Element) -> None:
        cell = xpath(root, "//w:tc//w:t[.='Ali Hassan']")[0]
        cell.text = "Someone Else"

    edited = edit_document_xml(rendered["en"], change)
    assert document_text_fingerprint(edited) != document_text_fingerprint(rendered["en"])


def test_fingerprint_ignores_field_results_headers_run_splits_and_whitespace(
    rendered: dict[str, bytes],
) -> None:
    data = rendered["en"]
    before = document_text_fingerprint(data)

    def as_word_would_save_it(root: etree._Element) -> None:
        # Word refreshes the TOC (new field result with page numbers) …
        for link in xpath(root, "//w:hyperlink"):
            run = etree.SubElement(link, f"{{{NS['w']}}}r")
            etree.SubElement(run, f"{{{NS['w']}}}t").text = "\u200f 7"
        # … splits runs differently and adds bookmarks and proofing marks.
        t = xpath(root, "//w:t[.='Coordinate the dignified return of Iraqi nationals.']")[0]
        t.text = "Coordinate the   dignified"
        r = t.getparent()
        second = etree.SubElement(r.getparent(), f"{{{NS['w']}}}r")
        etree.SubElement(second, f"{{{NS['w']}}}t").text = " return of Iraqi nationals."
        etree.SubElement(r.getparent(), f"{{{NS['w']}}}proofErr")

    resaved = edit_document_xml(data, as_word_would_save_it)
    header = part(data, "word/header1.xml")
    for t in xpath(header, "//w:t"):
        t.text = "changed header"
    resaved = rezip(resaved, {"word/header1.xml": etree.tostring(header)})
    assert document_text_fingerprint(resaved) == before


def test_body_text_reads_visible_text_only() -> None:
    w = NS["w"]
    root = etree.fromstring(
        f'<w:body xmlns:w="{w}"><w:p><w:r><w:t>kept</w:t></w:r>'
        "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t> added</w:t></w:r></w:ins></w:p>"
        '<w:p><w:fldSimple w:instr="PAGE"><w:r><w:t>3</w:t></w:r></w:fldSimple></w:p>'
        "<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p></w:body>"
    )
    assert body_text(root) == "kept added\na b"
