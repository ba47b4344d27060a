"""Exports open in LibreOffice: converted to PDF, they have A4 pages and the expected text.

Needs ``soffice`` (libreoffice-writer-nogui) and poppler-utils (``pdfinfo``, ``pdftotext``);
``fonts-noto-core`` provides the Arabic font. Each conversion uses its own LibreOffice
profile so tests never fight over the profile lock.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sopengine.export.docx import render
from sopengine.export.manifest import document_fingerprint, read_manifest
from tests.export.docs import make_doc

MISSING = [tool for tool in ("soffice", "pdfinfo", "pdftotext") if shutil.which(tool) is None]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(MISSING),
        reason=f"{', '.join(MISSING)} not on PATH: apt-get install -y libreoffice-writer-nogui "
        "poppler-utils fonts-noto-core",
    ),
]

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def soffice(tmp_path: Path, source: Path, target: str, outdir: Path) -> None:
    """Convert with LibreOffice headless, with a profile of this test's own."""
    profile = (tmp_path / "lo-profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless"]
    command += ["--convert-to", target, "--outdir", str(outdir), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=240)


def to_pdf(docx_bytes: bytes, tmp_path: Path, name: str) -> Path:
    source = tmp_path / f"{name}.docx"
    source.write_bytes(docx_bytes)
    soffice(tmp_path, source, "pdf", tmp_path)
    pdf = tmp_path / f"{name}.pdf"
    assert pdf.is_file(), f"LibreOffice did not convert {source.name}"
    return pdf


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
    return _BIDI_CONTROLS.sub("", out.stdout)


def check(pdf: Path, *, pages: tuple[int, int], expected: list[str]) -> str:
    info = pdf_info(pdf)
    assert pages[0] <= int(info["Pages"]) <= pages[1], info["Pages"]
    assert "A4" in info["Page size"]
    text = pdf_text(pdf)
    for needle in expected:
        assert needle in text, needle
    return text


def test_english_export_converts(tmp_path: Path) -> None:
    pdf = to_pdf(render(make_doc(), "en"), tmp_path, "en")
    text = check(
        pdf,
        pages=(5, 8),
        expected=[
            "Return and reintegration",
            "Page 1 of",
            "1. Purpose",
            "7. RACI matrix",
            "10. Sign-off",
            "Ministry of Interior",
            "3f2a9c1d5e7b",
            "SOP-RR-001 · Version 2",
        ],
    )
    assert re.search(r"Page 1 of \d", text)


def test_arabic_export_converts(tmp_path: Path) -> None:
    pdf = to_pdf(render(make_doc(), "ar"), tmp_path, "ar")
    text = check(
        pdf,
        pages=(5, 8),
        expected=[
            "العودة وإعادة الإدماج",
            "الغرض",
            "الإجراءات",
            "المصادقة والتوقيع",
            "وزارة الداخلية",
            "قيد الانتظار",
            "الصفحة",
        ],
    )
    assert "Purpose" not in text


def test_bilingual_export_converts(tmp_path: Path) -> None:
    pdf = to_pdf(render(make_doc(), "bilingual"), tmp_path, "bilingual")
    check(
        pdf,
        pages=(5, 9),
        expected=[
            "Return and reintegration",
            "العودة وإعادة الإدماج",
            "Page 1 of",
            "الصفحة",
            "Purpose",
            "الغرض",
            "Register arrival",
            "تسجيل الوصول",
        ],
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_redline_converts_with_its_changes(
    redlines: dict[str, bytes], tmp_path: Path, lang: str
) -> None:
    pdf = to_pdf(redlines[lang], tmp_path, f"redline-{lang}")
    expected = (
        ["Job placement", "Consular follow-up", "48", "Changes from version 1 to version 2"]
        if lang == "en"
        else ["التوظيف", "المتابعة القنصلية", "التغييرات من الإصدار"]
    )
    check(pdf, pages=(4, 8), expected=expected)


def test_a_file_resaved_by_libreoffice_keeps_its_claims_but_not_its_fingerprint(
    rendered: dict[str, bytes], tmp_path: Path
) -> None:
    source = tmp_path / "bilingual.docx"
    source.write_bytes(rendered["bilingual"])
    outdir = tmp_path / "resaved"
    soffice(tmp_path, source, "docx:MS Word 2007 XML", outdir)
    resaved = (outdir / "bilingual.docx").read_bytes()
    # The claims survive, but a resave rewrites every part (styles, fields, settings): it is
    # a new file, and the fingerprint of what was exported no longer describes it.
    assert read_manifest(resaved) == read_manifest(rendered["bilingual"])
    assert document_fingerprint(resaved) != read_manifest(resaved)["text_fingerprint"]
