"""The reference template and the benchmark script stay usable."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path
from types import ModuleType

import docx

from sopengine.config import PACKAGE_ROOT, PROJECT_ROOT
from sopengine.domain.content import walk_steps
from sopengine.export.docx import default_template, render
from sopengine.export.manifest import read_manifest


def load_script(relative: str, name: str) -> ModuleType:
    """A script of the checkout (not part of the package), imported by its path."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / relative)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_reference = load_script("tools/make_reference.py", "make_reference")

STYLES = {
    "Normal",
    "Title",
    "Subtitle",
    "CoverLine",
    "FrontHeading",
    "Heading1",
    "Heading2",
    "Heading3",
    "Heading4",
    "TOC1",
    "TOC2",
    "Header",
    "Footer",
    "TableText",
    "TableHeading",
    "Meta",
    "SOPTable",
    "SOPDetails",
}


def test_bundled_template_is_what_make_reference_writes(tmp_path: Path) -> None:
    fresh = make_reference.write_reference(tmp_path / "reference.docx")
    assert default_template() == PACKAGE_ROOT / "sop_templates" / "reference.docx"
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(default_template()) as b:
        assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}


def test_template_has_a4_page_styles_and_arabic_font() -> None:
    document = docx.Document(str(default_template()))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert section.page_width.twips - section.left_margin.twips * 2 == make_reference.TEXT_WIDTH
    ids = {s.style_id for s in document.styles}
    assert ids >= STYLES
    assert 'w:cs="Noto Naskh Arabic"' in make_reference.styles_xml()
    assert read_manifest(default_template().read_bytes()) == {}


def test_bench_renders_its_generated_sop() -> None:
    bench = load_script("bench/export_bench.py", "export_bench")
    doc = bench.generated_sop(30)
    assert sum(1 for _ in walk_steps(doc.content.procedure)) == 30
    assert max(at.depth for at in walk_steps(doc.content.procedure)) == 3
    assert docx.Document(io.BytesIO(render(doc, "bilingual"))).tables
    assert docx.Document(io.BytesIO(bench.floor(doc))).tables
