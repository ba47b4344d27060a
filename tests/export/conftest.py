"""Rendered documents shared by the export tests (rendering is pure: no database)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from lxml import etree

from sopengine.export.docx import render
from sopengine.export.redline import render_redline
from tests.export.docs import base_and_revision, make_doc

REDLINE_AUTHOR = "ICMPD facilitator"
REDLINE_DATE = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def part(docx_bytes: bytes, name: str) -> etree._Element:
    """One XML part of a .docx, parsed."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return etree.fromstring(archive.read(name))


@pytest.fixture(scope="session")
def rendered() -> dict[str, bytes]:
    """The sample version (in review) in every language."""
    doc = make_doc()
    return {lang: render(doc, lang) for lang in ("en", "ar", "bilingual")}


@pytest.fixture(scope="session")
def redlines() -> dict[str, bytes]:
    old, new = base_and_revision()
    return {
        lang: render_redline(old, new, lang, REDLINE_AUTHOR, REDLINE_DATE) for lang in ("en", "ar")
    }
