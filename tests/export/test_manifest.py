"""The verifiable-export manifest: custom properties round-trip, the package fingerprint."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import docx
import pytest
from lxml import etree

from sopengine.export.docx import render
from sopengine.export.manifest import document_fingerprint, manifest, read_manifest
from tests.export.docs import HASH, make_doc
from tests.export.xml import part, xpath

CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def rezip(
    docx_bytes: bytes, replace: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes)) as source,
        zipfile.ZipFile(out, "w", compression) as target,
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
    assert read["text_fingerprint"] == document_fingerprint(data)


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


def test_fingerprint_is_stable_across_renders_and_zip_containers(
    rendered: dict[str, bytes],
) -> None:
    data = rendered["bilingual"]
    again = render(make_doc(), "bilingual")
    assert read_manifest(again)["text_fingerprint"] == read_manifest(data)["text_fingerprint"]
    stored = rezip(data, {}, zipfile.ZIP_STORED)  # same parts, another container
    assert document_fingerprint(stored) == read_manifest(data)["text_fingerprint"]


def test_parts_digest_every_part_but_the_manifest(rendered: dict[str, bytes]) -> None:
    data = rendered["en"]
    parts = json.loads(read_manifest(data)["parts"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert set(parts) == names - {"docProps/custom.xml"}
        for name, digest in parts.items():
            assert hashlib.sha256(archive.read(name)).hexdigest().startswith(digest)


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
    assert document_fingerprint(edited.getvalue()) != read_manifest(data)["text_fingerprint"]


def test_editing_a_table_cell_changes_the_fingerprint(rendered: dict[str, bytes]) -> None:
    def change(root: etree._Element) -> None:
        cell = xpath(root, "//w:tc//w:t[.='Ali Hassan']")[0]
        cell.text = "Someone Else"

    edited = edit_document_xml(rendered["en"], change)
    assert document_fingerprint(edited) != document_fingerprint(rendered["en"])


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("word/header1.xml", "SOP-RR-001", "REVOKED"),  # header text
        ("word/styles.xml", "<w:rPr>", "<w:rPr><w:vanish/>"),  # a style that hides text
        ("word/document.xml", "arrival.", "arrival.\u200b"),  # one invisible code point
        ("word/document.xml", "register the", "register \u202e01\u202c the"),  # bidi override
    ],
)
def test_any_change_to_any_part_changes_the_fingerprint(
    rendered: dict[str, bytes], name: str, old: str, new: str
) -> None:
    data = rendered["en"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read(name).decode()
    assert old in text
    edited = rezip(data, {name: text.replace(old, new, 1).encode()})
    assert document_fingerprint(edited) != read_manifest(data)["text_fingerprint"]


def test_changing_a_claim_changes_the_fingerprint(rendered: dict[str, bytes]) -> None:
    data = rendered["en"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        custom = archive.read("docProps/custom.xml").decode()
    edited = rezip(data, {"docProps/custom.xml": custom.replace("in_review", "applied").encode()})
    assert read_manifest(edited)["state"] == "applied"
    assert document_fingerprint(edited) != read_manifest(data)["text_fingerprint"]
