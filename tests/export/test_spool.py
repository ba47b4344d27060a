"""The body spooled block by block: the same XML as a whole tree, in the document's prefixes."""

from __future__ import annotations

import docx
import pytest
from lxml import etree

from sopengine.export import ooxml
from sopengine.export.docx import default_template
from sopengine.export.spool import BlockSpool
from tests.export.xml import part, text


def _spool() -> tuple[BlockSpool, etree._Element]:
    body = docx.Document(str(default_template())).element.body
    scratch = etree.SubElement(body, "scratch")
    return BlockSpool(scratch), scratch


def test_blocks_are_serialized_once_finished_and_the_toc_goes_where_it_was_asked() -> None:
    spool, scratch = _spool()
    first = ooxml.paragraph("Title", parent=scratch)
    ooxml.run("first", parent=first)
    spool.append(first)
    tbl = ooxml.table([100], parent=scratch)
    spool.append(tbl)  # the paragraph is finished: serialized and dropped
    assert first.getparent() is None and len(spool) == 2
    ooxml.table_row(tbl, [100], [[]])  # the last block may still grow
    assert spool[-1] is tbl
    with pytest.raises(IndexError):
        spool[0]
    with pytest.raises(TypeError):
        list(spool)
    toc = ooxml.paragraph("TOC1")  # made outside the document
    ooxml.run("contents", parent=toc)
    spool.insert_at(1, [toc])
    chunks = spool.finish()
    assert [c[:6] for c in chunks] == [b"<w:p><", b"<w:p><", b"<w:tbl"]
    assert b"contents" in chunks[1] and b"<w:tr>" in chunks[2]
    assert not any(b"xmlns" in c for c in chunks)  # the document declares the namespaces


def test_a_rendered_body_is_well_formed_with_the_toc_after_its_heading(
    rendered: dict[str, bytes],
) -> None:
    root = part(rendered["en"], "word/document.xml")
    blocks = list(root.find(ooxml.w("body")))
    heading = next(i for i, b in enumerate(blocks) if text(b) == "Contents")
    following = blocks[heading + 1].find(f"{ooxml.W_PPR}/{ooxml.w('pStyle')}")
    assert following is not None and following.get(ooxml.W_VAL) == "TOC1"
    assert blocks[-1].tag == ooxml.w("sectPr")
    assert not root.xpath("//comment()")  # the marker was replaced by the blocks
