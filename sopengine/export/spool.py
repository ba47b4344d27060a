"""The body's blocks, serialized as soon as they are finished, so a large document never
stands whole in memory as a tree.

The writer appends top-level blocks (paragraphs, tables) to ``Writer.blocks``; a table is
filled row by row right after it is added, so a block is finished once the next one is
added. ``BlockSpool`` is that list: it keeps only the last block as an element and turns
every earlier one into UTF-8 bytes, which the renderer later splices into
``word/document.xml`` at a marker (``export/docx.py``, ``manifest.seal``). The table of
contents, known only at the end, is inserted at the place ``pages.contents`` recorded.

Memory: an lxml tree costs about ten times its XML; for the largest allowed SOP that is the
difference between ~400 MB and ~150 MB of peak memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, SupportsIndex

from lxml import etree

from sopengine.export.ooxml import W_P

MARKER = "sopengine-body"
"""A comment left in the body where the spooled blocks go."""
MARKER_BYTES = f"<!--{MARKER}-->".encode()


class BlockSpool(list[etree._Element]):
    """``Writer.blocks`` that serializes each finished block and drops its elements."""

    def __init__(self, scratch: etree._Element) -> None:
        super().__init__()
        self._scratch = scratch
        self._chunks: list[bytes] = []
        self._starts: list[int] = []  # where each flushed block begins in _chunks
        self._count = 0
        self._last: etree._Element | None = None
        # The namespace declarations lxml repeats on every fragment: the document declares
        # them once already, so each fragment drops them again.
        probe = etree.SubElement(scratch, W_P)
        self._declarations = etree.tostring(probe)[len(b"<w:p") : -len(b"/>")]
        scratch.remove(probe)

    def append(self, block: etree._Element) -> None:
        self._flush()
        self._last = block
        self._count += 1

    def extend(self, blocks: Iterable[etree._Element]) -> None:
        for block in blocks:
            self.append(block)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        last = isinstance(index, SupportsIndex) and index.__index__() in (-1, self._count - 1)
        if last and self._last is not None:
            return self._last
        raise IndexError("only the last block is kept as an element")

    def __iter__(self) -> Iterator[etree._Element]:
        raise TypeError("spooled blocks are bytes: use insert_at and finish")

    def insert_at(self, index: int, blocks: Iterable[etree._Element]) -> None:
        """Insert blocks before the ``index``-th block added (the TOC, once headings are known)."""
        self._flush()
        at = self._starts[index] if index < len(self._starts) else len(self._chunks)
        chunks = []
        for block in blocks:
            self._scratch.append(block)  # inside the document, it takes the document's prefixes
            chunks.append(self._bytes(block))
            self._scratch.remove(block)
        self._chunks[at:at] = chunks

    def finish(self) -> list[bytes]:
        """The serialized blocks in order; the spool is empty afterwards."""
        self._flush()
        chunks, self._chunks, self._starts = self._chunks, [], []
        return chunks

    def _flush(self) -> None:
        block, self._last = self._last, None
        if block is None:
            return
        self._starts.append(len(self._chunks))
        self._chunks.append(self._bytes(block))
        parent = block.getparent()
        if parent is not None:
            parent.remove(block)

    def _bytes(self, block: etree._Element) -> bytes:
        data = etree.tostring(block, encoding="UTF-8", with_tail=False)
        end = data.index(b">")
        return data[:end].replace(self._declarations, b"", 1) + data[end:]
