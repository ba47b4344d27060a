"""Reading uploads defensively: what is not a readable .docx is refused, bombs are not expanded."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest

from sopengine.export import package
from sopengine.export.manifest import document_fingerprint, read_manifest
from sopengine.export.package import UnreadableDocx, open_upload
from tests.export import zips

DOC = "word/document.xml"


@pytest.fixture(scope="module")
def export(rendered: dict[str, bytes]) -> bytes:
    return rendered["en"]


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda d: zips.patch(d, DOC, flags=0x1), "encrypted"),
        (lambda d: zips.patch(d, DOC, method=6), "compression method 6"),  # implode
        (lambda d: zips.patch(d, DOC, method=12), "compression method 12"),  # bzip2
        (lambda d: zips.patch(d, DOC, method=14), "compression method 14"),  # lzma
        (lambda d: zips.patch(d, DOC, method=99), "compression method 99"),  # AES
        (lambda d: zips.corrupt_stream(d, DOC), "not a readable .docx"),
        (lambda d: zips.declare_size(d, DOC, 100), "not a readable .docx"),  # lies about size
        (lambda d: d[: len(d) // 2], "not a .docx"),  # truncated
        (lambda d: d[: len(d) - 10], "not a .docx"),  # end of central directory cut
        (lambda d: b"not a zip at all", "not a .docx"),
    ],
)
def test_what_is_not_a_readable_docx_is_refused(export: bytes, damage, says: str) -> None:
    with pytest.raises(UnreadableDocx, match=says) as refused:
        document_fingerprint(damage(export))
    assert refused.value.status == 415


def test_a_bomb_is_refused_from_its_directory_without_expanding_it() -> None:
    data = zips.bomb(size=60 * 1024 * 1024)
    assert len(data) < 200 * 1024
    with pytest.raises(UnreadableDocx, match="more than the exporter writes"):
        open_upload(data)


def test_the_whole_package_is_capped(monkeypatch: pytest.MonkeyPatch, export: bytes) -> None:
    monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 1000)
    with pytest.raises(UnreadableDocx, match="the upload declares"):
        open_upload(export)


def test_too_many_parts_and_duplicate_parts_are_refused(export: bytes) -> None:
    parts = zips.members(export)
    many = {**parts, **{f"word/media/x{i}.bin": b"x" for i in range(package.MAX_PARTS)}}
    with pytest.raises(UnreadableDocx, match="parts"):
        open_upload(zips.build(many))
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        for name, blob in parts.items():
            archive.writestr(name, blob)
        archive.writestr(DOC, b"<w:document/>")
    with pytest.raises(UnreadableDocx, match="appears twice"):
        open_upload(out.getvalue())


def test_a_stored_zip_of_the_same_parts_reads_the_same(export: bytes) -> None:
    stored = zips.build(zips.members(export), zipfile.ZIP_STORED)
    assert read_manifest(stored) == read_manifest(export)
    assert document_fingerprint(stored) == read_manifest(export)["text_fingerprint"]


def test_entities_in_the_properties_are_not_expanded(export: bytes) -> None:
    parts = zips.members(export)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="x" pid="2" name="sopengine.sop_code"><vt:lpwstr>&b;</vt:lpwstr>'
        b"</property></Properties>"
    )
    parts["docProps/custom.xml"] = laughs
    assert "aaaaaaaaaa" not in read_manifest(zips.build(parts)).get("sop_code", "")
