"""Rendered documents shared by the export tests (rendering is pure: no database)."""

from __future__ import annotations

import pytest

from sopengine.export.docx import render
from sopengine.export.redline import render_redline
from tests.export.docs import REDLINE_AUTHOR, REDLINE_DATE, base_and_revision, make_doc


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
