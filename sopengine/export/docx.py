"""Render a ``SopDocument`` to a .docx: English, Arabic (right to left) or bilingual.

The look comes from the reference template (``sop_templates/reference.docx``): styles,
fonts, page setup. The renderer clears the template's body, writes the cover, document
control, contents, the numbered sections and the sign-off page, then the header (code,
version, DRAFT watermark), the footer (page X of Y), core properties and the manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Literal

import docx
from docx.document import Document as DocxDocument
from lxml import etree

from sopengine.config import PACKAGE_ROOT, PROJECT_ROOT
from sopengine.export import ooxml, pages
from sopengine.export.body import render_annexes, render_list_section, render_text_section
from sopengine.export.context import Ctx
from sopengine.export.labels import LABELS, STATES, THEMATIC_AREAS, localized
from sopengine.export.manifest import manifest, seal
from sopengine.export.procedure import render_procedure, render_raci
from sopengine.export.spool import MARKER, BlockSpool
from sopengine.export.view import SopDocument
from sopengine.export.writer import Writer

Lang = Literal["en", "ar", "bilingual"]
DEFAULT_ARABIC_FONT = "Noto Naskh Arabic"
DEFAULT_LATIN_FONT = "Arial"
_LANGUAGE_TAGS = {"en": "en-GB", "ar": "ar-IQ"}

SECTIONS: tuple[tuple[str, Callable[[Ctx, str], None]], ...] = (
    ("purpose", render_text_section),
    ("scope", render_text_section),
    ("definitions", render_list_section),
    ("references", render_list_section),
    ("responsibilities", render_list_section),
    ("procedure", render_procedure),
    ("raci", render_raci),
    ("records", render_list_section),
    ("annexes", render_annexes),
)
"""The numbered sections in document order; the sign-off page follows them."""
_STARTS_PAGE = frozenset({"purpose", "raci"})


def default_template() -> Path:
    """The bundled reference template (inside the package when installed, else the checkout's)."""
    for root in (PACKAGE_ROOT, PROJECT_ROOT):
        path = root / "sop_templates" / "reference.docx"
        if path.is_file():
            return path
    raise FileNotFoundError(
        "sop_templates/reference.docx is missing: run python tools/make_reference.py"
    )


def render(doc: SopDocument, lang: Lang, template: Path | None = None) -> bytes:
    """The Word file of one version in English, Arabic or both side by side."""
    return compose(doc, lang, template=template)


def compose(
    new: SopDocument,
    lang: Lang,
    *,
    template: Path | None = None,
    old: SopDocument | None = None,
    revisions: ooxml.Revisions | None = None,
) -> bytes:
    """The shared renderer: with ``old`` and ``revisions`` it writes a redline of ``new``."""
    langs: list[str] = ["en", "ar"] if lang == "bilingual" else [lang]
    for lg in langs:
        new.require_language(lg)
        if old is not None:
            old.require_language(lg)

    document = docx.Document(str(template or default_template()))
    section = document.sections[-1]
    section.different_first_page_header_footer = False
    body = document.element.body
    sect_pr = body.sectPr
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)

    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is None or left is None or right is None:
        raise ValueError("the template's last section sets no page width or side margins")
    text_width = int(width.twips - left.twips - right.twips)
    latin_font, cs_font = _template_fonts(document)
    scratch = etree.SubElement(body, "scratch")
    writer = Writer(cs_font=cs_font, text_width=text_width, revisions=revisions, scratch=scratch)
    spool = writer.blocks = BlockSpool(scratch)
    ctx = Ctx(writer, new, old, langs)

    pages.cover(ctx)
    pages.document_control(ctx)
    toc_at = pages.contents(ctx)
    for number, (key, write) in enumerate(SECTIONS, start=1):
        ctx.section_heading(number, key, page_break=key in _STARTS_PAGE)
        write(ctx, key)
    if old is None:  # a redline compares texts; it is not a document to sign
        pages.signoff(ctx, len(SECTIONS) + 1)
    if writer.blocks[-1].tag != ooxml.W_P:
        writer.add(ooxml.paragraph(bidi=ctx.rtl_tables))  # Word ends a body with a paragraph
    spool.insert_at(toc_at, ooxml.toc(writer.toc_entries, bidi=ctx.rtl_tables))
    blocks = spool.finish()
    sect_pr.addprevious(etree.Comment(MARKER))
    body.remove(scratch)
    if ctx.rtl_tables:
        ooxml.set_section_bidi(sect_pr)

    header = section.header
    header.is_linked_to_previous = False
    _replace_story(header.part.element, pages.header_story(ctx, latin_font=latin_font))
    footer = section.footer
    footer.is_linked_to_previous = False
    _replace_story(footer.part.element, pages.footer_story(ctx))
    ooxml.set_update_fields(document.settings.element)
    _core_properties(document, new, langs, redline=old is not None)

    properties = manifest(new)
    properties["kind"] = "redline" if old is not None else "export"
    if old is not None:
        properties["base_version"] = str(old.number)
    properties["language"] = lang
    return seal(document, properties, blocks)


def _replace_story(root: etree._Element, paragraphs: list[etree._Element]) -> None:
    for child in list(root):
        root.remove(child)
    root.extend(paragraphs)


def _template_fonts(document: DocxDocument) -> tuple[str, str]:
    """The Latin and Arabic (complex-script) fonts the template's Normal text uses."""
    styles = document.styles.element
    latin, cs = DEFAULT_LATIN_FONT, DEFAULT_ARABIC_FONT
    candidates = [
        styles.find(
            f"{ooxml.w('docDefaults')}/{ooxml.w('rPrDefault')}/{ooxml.w('rPr')}/{ooxml.w('rFonts')}"
        ),
        styles.find(
            f"{ooxml.w('style')}[@{ooxml.w('styleId')}='Normal']/{ooxml.w('rPr')}/{ooxml.w('rFonts')}"
        ),
    ]
    for fonts in candidates:
        if fonts is not None:
            latin = fonts.get(ooxml.w("ascii")) or latin
            cs = fonts.get(ooxml.w("cs")) or cs
    return latin, cs


def _core_properties(
    document: DocxDocument, doc: SopDocument, langs: list[str], *, redline: bool
) -> None:
    lang = langs[0] if len(langs) == 1 else doc.primary_language
    props = document.core_properties
    title = ooxml.writable(" / ".join(doc.title.get(lg, "") for lg in langs))
    sop = LABELS["sop"][lang]
    props.title = title[:255]
    props.subject = f"{sop} {doc.code} · {LABELS['version'][lang]} {doc.number}"
    if redline:
        props.subject += " (redline)"
    props.author = ooxml.writable(doc.ministry_name(doc.lead_ministry, lang))
    props.last_modified_by = "sopengine"
    props.keywords = "; ".join(
        [doc.code, localized(THEMATIC_AREAS, doc.thematic_area)[lang], "SOP"]
    )
    props.comments = ""
    props.category = localized(THEMATIC_AREAS, doc.thematic_area)[lang]
    props.content_status = localized(STATES, doc.state)[lang]
    props.identifier = f"{doc.code}/v{doc.number}"
    props.version = str(doc.number)
    props.revision = doc.number
    props.language = "; ".join(_LANGUAGE_TAGS.get(lg, lg) for lg in langs)
    when = doc.exported_at if doc.exported_at.tzinfo else doc.exported_at.replace(tzinfo=UTC)
    props.created = when.astimezone(UTC).replace(tzinfo=None)
    props.modified = props.created
