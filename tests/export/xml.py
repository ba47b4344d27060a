"""Helpers for reading rendered WordprocessingML in tests: parts of a .docx and XPath."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
}
W = NS["w"]


def part(docx_bytes: bytes, name: str) -> etree._Element:
    """One XML part of a .docx, parsed."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return etree.fromstring(archive.read(name))


def xpath(element: etree._Element, path: str) -> list[etree._Element]:
    return element.xpath(path, namespaces=NS)


def local_names(element: etree._Element) -> list[str]:
    """The local names of an element's children, in order."""
    return [etree.QName(child).localname for child in element]


def text(element: etree._Element) -> str:
    """Visible text of an element (w:t only, so deleted text is left out)."""
    return "".join(t.text or "" for t in xpath(element, ".//w:t"))


def shown_text(element: etree._Element) -> str:
    """Visible text, one line per paragraph (as the document reads once changes are accepted)."""
    return "\n".join(text(p) for p in xpath(element, ".//w:p"))


def deleted_text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in xpath(element, ".//w:delText"))


def attr(element: etree._Element, name: str) -> str | None:
    return element.get(f"{{{W}}}{name}")


def has_arabic(value: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in value)
