"""Raw WordprocessingML that python-docx has no API for, in one place.

Right-to-left paragraphs, runs, tables and sections, complex fields (PAGE, NUMPAGES, TOC), the VML DRAFT
watermark, tracked changes, tables built row by row, ``w:updateFields`` and custom
document properties. Everything here returns or edits lxml elements and knows nothing
about SOPs; ``tests/export/test_ooxml.py`` checks the XML it produces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal
from xml.sax.saxutils import quoteattr

from lxml import etree

from sopengine.domain.text import XML_FORBIDDEN
from sopengine.export.schema_order import insert, ordered

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
ARABIC_LANG = "ar-IQ"
CUSTOM_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
MAX_PROPERTY_CHARS = 255  # Word truncates longer text properties when it saves
_CHUNK = "~"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
"""For XML from outside (uploads): no entity expansion, no DTD, no network."""


def w(tag: str) -> str:
    """Clark name of a ``w:`` element or attribute."""
    return f"{{{W_NS}}}{tag}"


W_P, W_R, W_T, W_PPR, W_RPR = w("p"), w("r"), w("t"), w("pPr"), w("rPr")
W_VAL = w("val")
_W_DELTEXT, _W_BR, _W_TAB = w("delText"), w("br"), w("tab")

# --- runs and paragraphs --------------------------------------------------------------


@dataclass(frozen=True)
class RunStyle:
    bold: bool = False
    italic: bool = False
    size_pt: float | None = None
    color: str | None = None
    rtl: bool = False


def writable(text: str) -> str:
    """Text without the characters XML cannot carry (lxml refuses them outright).

    Versions cannot contain them any more (``check_version_text``); this keeps a record saved
    before that rule, or a name typed into another field, from failing the whole export.
    """
    return XML_FORBIDDEN.sub("", text) if XML_FORBIDDEN.search(text) else text


def _new(
    tag: str, parent: etree._Element | None, attrib: dict[str, str] | None = None
) -> etree._Element:
    # SubElement keeps everything in one lxml document; a bare Element costs a new document.
    if parent is None:
        return etree.Element(tag, attrib)
    return etree.SubElement(parent, tag, attrib)


Recipe = tuple[tuple[str, dict[str, str] | None], ...]


@lru_cache(maxsize=256)
def _rpr_recipe(style: RunStyle, cs_font: str) -> Recipe:
    """The children of ``w:rPr`` for a style, in schema order (empty for the default style)."""
    parts: list[tuple[str, dict[str, str] | None]] = []
    if style.rtl:
        parts += [("rFonts", {w("cs"): cs_font}), ("rtl", None), ("lang", {w("bidi"): ARABIC_LANG})]
    if style.bold:
        parts += [("b", None), ("bCs", None)]
    if style.italic:
        parts += [("i", None), ("iCs", None)]
    if style.color:
        parts.append(("color", {W_VAL: style.color}))
    if style.size_pt:
        half_points = str(round(style.size_pt * 2))
        parts += [("sz", {W_VAL: half_points}), ("szCs", {W_VAL: half_points})]
    return tuple((w(name), attrib) for name, attrib in ordered("rPr", parts))


def _add_rpr(r: etree._Element, recipe: Recipe) -> None:
    if recipe:
        rpr = etree.SubElement(r, W_RPR)
        for tag, attrib in recipe:
            etree.SubElement(rpr, tag, attrib)


def run(
    text: str,
    style: RunStyle = RunStyle(),
    cs_font: str = "Arial",
    *,
    deleted: bool = False,
    parent: etree._Element | None = None,
) -> etree._Element:
    """One ``w:r``; newlines become ``w:br``, tabs ``w:tab``; deleted text uses ``w:delText``."""
    r = _new(W_R, parent)
    _add_rpr(r, _rpr_recipe(style, cs_font))
    text_tag = _W_DELTEXT if deleted else W_T
    for i, line in enumerate(writable(text).split("\n")):
        if i:
            etree.SubElement(r, _W_BR)
        for j, piece in enumerate(line.split("\t")):
            if j:
                etree.SubElement(r, _W_TAB)
            if piece:
                t = etree.SubElement(r, text_tag)
                t.text = piece
                if piece[0] == " " or piece[-1] == " ":
                    t.set(XML_SPACE, "preserve")
    return r


def paragraph(
    style: str | None = None,
    *,
    bidi: bool = False,
    align: str | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
    mark: Revision | None = None,
    parent: etree._Element | None = None,
) -> etree._Element:
    """An empty ``w:p`` with its properties in schema order; ``mark`` tracks the paragraph mark."""
    p = _new(W_P, parent)
    parts: list[tuple[str, dict[str, str] | None]] = []
    if style:
        parts.append(("pStyle", {W_VAL: style}))
    if bidi:
        parts.append(("bidi", None))
    if align:
        parts.append(("jc", {W_VAL: align}))
    if keep_next:
        parts.append(("keepNext", None))
    if page_break_before:
        parts.append(("pageBreakBefore", None))
    if mark:
        parts.append(("rPr", None))
    if parts:
        ppr = etree.SubElement(p, W_PPR)
        for name, attrib in ordered("pPr", parts):
            child = etree.SubElement(ppr, w(name), attrib)
            if mark and name == "rPr":  # the paragraph mark itself is tracked
                etree.SubElement(child, w(mark.kind), mark.attrs())
    return p


def bookmark(p: etree._Element, bookmark_id: int, name: str) -> None:
    """Wrap the paragraph's content in a bookmark (TOC entries point at headings this way)."""
    start = etree.Element(w("bookmarkStart"), {w("id"): str(bookmark_id), w("name"): name})
    ppr = p.find(W_PPR)
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    etree.SubElement(p, w("bookmarkEnd"), {w("id"): str(bookmark_id)})


# --- tracked changes ------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    kind: Literal["ins", "del"]
    id: int
    author: str
    date: datetime

    def attrs(self) -> dict[str, str]:
        when = self.date.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
        return {w("id"): str(self.id), w("author"): self.author, w("date"): when}


@dataclass
class Revisions:
    """Hands out revision ids (unique within a document) for one author and date."""

    author: str
    date: datetime
    next_id: int = 1

    def take_id(self) -> int:
        """An annotation id; bookmarks draw from the same counter so ids never collide."""
        self.next_id += 1
        return self.next_id - 1

    def new(self, kind: Literal["ins", "del"]) -> Revision:
        return Revision(kind, self.take_id(), self.author, self.date)


def tracked(
    rev: Revision,
    run_elements: Iterable[etree._Element] = (),
    *,
    parent: etree._Element | None = None,
) -> etree._Element:
    """``w:ins`` or ``w:del`` around runs (deleted runs must use ``w:delText``)."""
    wrapper = _new(w(rev.kind), parent, rev.attrs())
    wrapper.extend(run_elements)
    return wrapper


# --- fields ---------------------------------------------------------------------------


def _fld_char(kind: str, recipe: Recipe) -> etree._Element:
    r = etree.Element(W_R)
    _add_rpr(r, recipe)
    etree.SubElement(r, w("fldChar"), {w("fldCharType"): kind})
    return r


def field_begin(instr: str, recipe: Recipe = ()) -> list[etree._Element]:
    """Runs opening a complex field up to its ``separate`` mark: the result follows."""
    r = etree.Element(W_R)
    _add_rpr(r, recipe)
    t = etree.SubElement(r, w("instrText"))
    t.text = f" {instr} "
    t.set(XML_SPACE, "preserve")
    return [_fld_char("begin", recipe), r, _fld_char("separate", recipe)]


def field_end(recipe: Recipe = ()) -> etree._Element:
    return _fld_char("end", recipe)


def field(
    instr: str, cached: str, style: RunStyle = RunStyle(), cs_font: str = "Arial"
) -> list[etree._Element]:
    """A complete complex field (e.g. ``PAGE``) with a cached result shown until updated."""
    recipe = _rpr_recipe(style, cs_font)
    return [*field_begin(instr, recipe), run(cached, style, cs_font), field_end(recipe)]


@dataclass(frozen=True)
class TocEntry:
    level: int
    runs: list[etree._Element]
    bookmark: str


def toc(
    entries: Sequence[TocEntry], *, levels: str = "1-2", bidi: bool = False
) -> list[etree._Element]:
    """A TOC field whose cached result already lists the headings (linked to their bookmarks).

    Word rebuilds it with page numbers on open (``w:updateFields``); LibreOffice, which does
    not refresh a TOC on load, still shows the list instead of an empty field.
    """
    begin = field_begin(f'TOC \\o "{levels}" \\h \\z \\u')
    if not entries:
        p = paragraph("TOC1", bidi=bidi)
        p.extend([*begin, field_end()])
        return [p]
    paragraphs = []
    for i, entry in enumerate(entries):
        p = paragraph(f"TOC{entry.level}", bidi=bidi)
        if i == 0:
            p.extend(begin)
        link = etree.SubElement(p, w("hyperlink"), {w("anchor"): entry.bookmark, w("history"): "1"})
        link.extend(entry.runs)
        paragraphs.append(p)
    paragraphs[-1].append(field_end())
    return paragraphs


# --- document-level settings ----------------------------------------------------------


def set_update_fields(settings: etree._Element) -> None:
    """Ask Word to refresh fields (the TOC) when it opens the document."""
    insert(settings, etree.Element(w("updateFields"), {W_VAL: "true"}))


def set_section_bidi(sect_pr: etree._Element) -> None:
    """Lay the section out right to left (page numbers, columns) for Arabic output."""
    insert(sect_pr, etree.Element(w("bidi")))


# --- tables ---------------------------------------------------------------------------


def table(
    widths: Sequence[int],
    *,
    parent: etree._Element | None = None,
    style: str | None = None,
    bidi: bool = False,
    align: str = "center",
    header_row: bool = True,
) -> etree._Element:
    """An empty fixed-layout ``w:tbl`` with its grid; rows are appended with ``table_row``.

    ``header_row`` tells the table style to format the first row as a heading row.
    """
    tbl = _new(w("tbl"), parent)
    first_row = "1" if header_row else "0"
    look = {"firstRow": first_row, "lastRow": "0", "firstColumn": "0", "lastColumn": "0"}
    look |= {"noHBand": "1", "noVBand": "1", "val": "0620" if header_row else "0600"}
    parts: list[tuple[str, dict[str, str] | None]] = [
        ("tblW", {w("w"): str(sum(widths)), w("type"): "dxa"}),
        ("jc", {W_VAL: align}),
        ("tblLayout", {w("type"): "fixed"}),
        ("tblLook", {w(k): v for k, v in look.items()}),
    ]
    if style:
        parts.append(("tblStyle", {W_VAL: style}))
    if bidi:
        parts.append(("bidiVisual", None))
    _add_children(etree.SubElement(tbl, w("tblPr")), ordered("tblPr", parts))
    grid = etree.SubElement(tbl, w("tblGrid"))
    for width in widths:
        etree.SubElement(grid, w("gridCol"), {w("w"): str(width)})
    return tbl


# Word reads a tracked row only with at least one row property before the revision mark
# (see ``table_row``): this one states the default, a row as tall as its content.
_AUTO_HEIGHT = ("trHeight", {w("val"): "0", w("hRule"): "auto"})


def table_row(
    tbl: etree._Element,
    widths: Sequence[int],
    cells: Sequence[Sequence[etree._Element]],
    *,
    header: bool = False,
    mark: Revision | None = None,
) -> etree._Element:
    """Append one row; each cell is a list of paragraphs (an empty cell gets an empty one).

    A tracked row (``mark``) is ``w:trPr/w:ins`` or ``w:trPr/w:del``. ``CT_TrPr`` extends
    the choice ``CT_TrPrBase`` with the sequence ``ins, del, trPrChange``; the Open XML SDK
    (and Word's validation, which it mirrors) wants at least one ``CT_TrPrBase`` property
    before the mark, so a row that has none gets ``w:trHeight`` with ``hRule="auto"``: the
    height its content needs, which is what a row without the property gets anyway.
    """
    tr = etree.SubElement(tbl, w("tr"))
    parts: list[tuple[str, dict[str, str] | None]] = []
    if header:  # a heading row repeats on every page and never splits
        parts += [("cantSplit", None), ("tblHeader", None)]
    if mark:
        parts.append((mark.kind, mark.attrs()))
        if not header:
            parts.append(_AUTO_HEIGHT)
    if parts:
        _add_children(etree.SubElement(tr, w("trPr")), ordered("trPr", parts))
    for width, content in zip(widths, cells, strict=True):
        tc = etree.SubElement(tr, w("tc"))
        tc_pr = etree.SubElement(tc, w("tcPr"))
        etree.SubElement(tc_pr, w("tcW"), {w("w"): str(width), w("type"): "dxa"})
        if content:
            tc.extend(content)
        else:
            etree.SubElement(tc, W_P)
    return tr


def _add_children(
    parent: etree._Element, recipe: Iterable[tuple[str, dict[str, str] | None]]
) -> None:
    for name, attrib in recipe:
        etree.SubElement(parent, w(name), attrib)


# --- watermark ------------------------------------------------------------------------

_SHAPETYPE = """<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>
<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/>
<v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><v:handles>
<v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>"""


def watermark(text: str, *, font: str, shape_id: int = 1, color: str = "#C8C8C8") -> etree._Element:
    """A diagonal text watermark as Word draws it: a VML WordArt shape in a header paragraph."""
    width = 470.0
    height = max(60.0, min(160.0, width / max(len(text), 3) * 1.6))
    style = (
        f"position:absolute;margin-left:0;margin-top:0;width:{width:.0f}pt;height:{height:.0f}pt;"
        "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        "mso-position-vertical-relative:margin"
    )
    xml = (
        f'<w:p xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w10="urn:schemas-microsoft-com:office:word">'
        '<w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:noProof/></w:rPr><w:pict>'
        f"{_SHAPETYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject{shape_id}" o:spid="_x0000_s{2048 + shape_id}" '
        f'type="#_x0000_t136" style="{style}" o:allowincell="f" fillcolor="{color}" stroked="f">'
        '<v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" string={quoteattr(text)}/>'
        '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r></w:p>'
    )
    return etree.fromstring(xml)


# --- custom document properties -------------------------------------------------------


def custom_properties_xml(properties: Mapping[str, str]) -> bytes:
    """``docProps/custom.xml`` with one text property per entry.

    Values longer than Word keeps are split into ``name``, ``name~2``, ``name~3`` …;
    ``parse_custom_properties`` joins them again.
    """
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    pid = 2
    for name, raw in properties.items():
        value = writable(raw)
        pieces = [
            value[i : i + MAX_PROPERTY_CHARS] for i in range(0, len(value), MAX_PROPERTY_CHARS)
        ]
        for index, piece in enumerate(pieces or [""]):
            prop = etree.SubElement(
                root,
                f"{{{CUSTOM_NS}}}property",
                {
                    "fmtid": CUSTOM_PROPERTY_FMTID,
                    "pid": str(pid),
                    "name": name if index == 0 else f"{name}{_CHUNK}{index + 1}",
                },
            )
            etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = piece
            pid += 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def parse_custom_properties(xml: bytes) -> dict[str, str]:
    """Text properties of a ``docProps/custom.xml``, split values joined back.

    The XML may come from an upload: entities are not expanded and nothing is fetched.
    """
    root = etree.fromstring(xml, SAFE_PARSER)
    pieces: dict[str, dict[int, str]] = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name") or ""
        base, _, index = name.rpartition(_CHUNK)
        if not (base and index.isdigit()):
            base, index = name, "1"
        value = next((child.text or "" for child in prop), "")
        pieces.setdefault(base, {})[int(index)] = value
    return {name: "".join(parts[i] for i in sorted(parts)) for name, parts in pieces.items()}
