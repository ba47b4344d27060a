"""Write ``sop_templates/reference.docx``: the styles, fonts and A4 page the exports use.

Run ``python tools/make_reference.py [PATH]``. The file is small and written
from scratch (no python-docx default template, so no leftovers); after that the look can be
changed in Word — edit the styles (Normal, Title, Heading 1–4, TOC 1–2, Table Text, SOP
Table …) and the page setup, save, and the next export uses them.

Property elements are joined in the order ECMA-376 prescribes (``_in_order``, from
``sopengine.export.schema_order``), and ``write_reference`` refuses to write a part whose
elements are out of order: Word treats a misordered file as damaged.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from lxml import etree

# A development tool, not part of the service: it needs only the checkout it lives in (for the
# schema's element order, which the exporter shares).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sopengine.export.schema_order import misordered, ordered  # noqa: E402

REFERENCE_PATH = PROJECT_ROOT / "sopengine" / "sop_templates" / "reference.docx"
LATIN_FONT = "Arial"
ARABIC_FONT = "Noto Naskh Arabic"
NAVY, BLUE, GREY = "1F3864", "2F5496", "595959"
# A4 in twentieths of a point, 20 mm side margins: 9638 twips of text width.
PAGE = {"w": 11906, "h": 16838, "top": 1418, "bottom": 1134, "side": 1134, "edge": 567}
TEXT_WIDTH = PAGE["w"] - 2 * PAGE["side"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_DOC = "application/vnd.openxmlformats-officedocument"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = f"""{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{CT_DOC}.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="{CT_DOC}.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="{CT_DOC}.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="{CT_DOC}.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="{CT_DOC}.theme+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="{CT_DOC}.extended-properties+xml"/>
</Types>"""

PACKAGE_RELS = f"""{HEAD}<Relationships xmlns="{PKG_RELS}">
<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="{PKG_RELS}/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="{DOC_RELS}/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOCUMENT_RELS = f"""{HEAD}<Relationships xmlns="{PKG_RELS}">
<Relationship Id="rId1" Type="{DOC_RELS}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="{DOC_RELS}/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="{DOC_RELS}/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId4" Type="{DOC_RELS}/theme" Target="theme/theme1.xml"/>
</Relationships>"""

CORE = f"""{HEAD}<cp:coreProperties
 xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>SOP export reference</dc:title><dc:creator>sopengine</dc:creator>
<cp:lastModifiedBy>sopengine</cp:lastModifiedBy><cp:revision>1</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>
</cp:coreProperties>"""

APP = f"""{HEAD}<Properties
 xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>sopengine</Application><DocSecurity>0</DocSecurity></Properties>"""

SETTINGS = f"""{HEAD}<w:settings xmlns:w="{W_NS}">
<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:themeFontLang w:val="en-GB" w:bidi="ar-IQ"/>
<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>
</w:settings>"""

FONTS = f"""{HEAD}<w:fonts xmlns:w="{W_NS}">
<w:font w:name="{LATIN_FONT}"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>
<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="{ARABIC_FONT}"><w:altName w:val="Arial"/><w:panose1 w:val="02020603050405020304"/>
<w:charset w:val="B2"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
</w:fonts>"""

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
# The colours of the styles (navy, blue, grey) and the fonts of the document defaults, so the
# theme Word shows in its pickers matches the look; fills and lines are plain.
_COLOURS = {
    "dk1": '<a:sysClr val="windowText" lastClr="000000"/>',
    "lt1": '<a:sysClr val="window" lastClr="FFFFFF"/>',
    "dk2": f'<a:srgbClr val="{NAVY}"/>',
    "lt2": '<a:srgbClr val="E7E6E6"/>',
    **{
        f"accent{i}": f'<a:srgbClr val="{rgb}"/>'
        for i, rgb in enumerate([BLUE, "C00000", "A6A6A6", "D9D9D9", "538135", "BF8F00"], start=1)
    },
    "hlink": '<a:srgbClr val="0563C1"/>',
    "folHlink": '<a:srgbClr val="954F72"/>',
}
_FONTS = (
    f'<a:latin typeface="{LATIN_FONT}"/><a:ea typeface=""/><a:cs typeface="{ARABIC_FONT}"/>'
    f'<a:font script="Arab" typeface="{ARABIC_FONT}"/>'
)
_FILL = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
THEME = (
    f'{HEAD}<a:theme xmlns:a="{A_NS}" name="sopengine"><a:themeElements>'
    '<a:clrScheme name="sopengine">'
    + "".join(f"<a:{name}>{colour}</a:{name}>" for name, colour in _COLOURS.items())
    + f'</a:clrScheme><a:fontScheme name="sopengine"><a:majorFont>{_FONTS}</a:majorFont>'
    f"<a:minorFont>{_FONTS}</a:minorFont></a:fontScheme>"
    f'<a:fmtScheme name="sopengine"><a:fillStyleLst>{_FILL * 3}</a:fillStyleLst>'
    "<a:lnStyleLst>"
    + "".join(f'<a:ln w="{w}">{_FILL}</a:ln>' for w in (6350, 12700, 19050))
    + "</a:lnStyleLst><a:effectStyleLst>"
    + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    + f"</a:effectStyleLst><a:bgFillStyleLst>{_FILL * 3}</a:bgFillStyleLst></a:fmtScheme>"
    "</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
)

DOCUMENT = f"""{HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>sopengine reference template</w:t></w:r></w:p>
<w:p><w:r><w:t>Only the styles and the page setup of this file are used: edit them in Word.</w:t></w:r></w:p>
<w:sectPr><w:pgSz w:w="{PAGE["w"]}" w:h="{PAGE["h"]}"/>
<w:pgMar w:top="{PAGE["top"]}" w:right="{PAGE["side"]}" w:bottom="{PAGE["bottom"]}" w:left="{PAGE["side"]}"
 w:header="{PAGE["edge"]}" w:footer="{PAGE["edge"]}" w:gutter="0"/><w:cols w:space="708"/>
<w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>"""


def _in_order(container: str, children: dict[str, str]) -> str:
    """The XML of a container's children, keyed by local name, joined in the schema's order."""
    return "".join(xml for _, xml in ordered(container, children.items()))


def _rpr(size: float, *, bold: bool = False, italic: bool = False, color: str | None = None) -> str:
    half = round(size * 2)
    # Naskh reads small next to Arial at the same size: complex script one point larger.
    children = {"sz": f'<w:sz w:val="{half}"/>', "szCs": f'<w:szCs w:val="{half + 2}"/>'}
    if bold:
        children |= {"b": "<w:b/>", "bCs": "<w:bCs/>"}
    if italic:
        children |= {"i": "<w:i/>", "iCs": "<w:iCs/>"}
    if color:
        children["color"] = f'<w:color w:val="{color}"/>'
    return f"<w:rPr>{_in_order('rPr', children)}</w:rPr>"


def _spacing(**attrs: int | str) -> str:
    return "<w:spacing" + "".join(f' w:{k}="{v}"' for k, v in attrs.items()) + "/>"


TIGHT = {"line": 240, "lineRule": "auto"}
CENTRED = '<w:jc w:val="center"/>'


def _para_style(
    style_id: str,
    name: str,
    ppr: dict[str, str],
    rpr: str,
    *,
    based_on: str = "Normal",
    ui_priority: int | None = None,
) -> str:
    style = {
        "name": f'<w:name w:val="{name}"/>',
        "basedOn": f'<w:basedOn w:val="{based_on}"/>',
        "next": '<w:next w:val="Normal"/>',
        "qFormat": "<w:qFormat/>",
        "pPr": f"<w:pPr>{_in_order('pPr', ppr)}</w:pPr>",
        "rPr": rpr,
    }
    if ui_priority is not None:
        style["uiPriority"] = f'<w:uiPriority w:val="{ui_priority}"/>'
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}">{_in_order("style", style)}</w:style>'
    )


def _heading(level: int, size: float, color: str, before: int, *, italic: bool = False) -> str:
    ppr = {
        "keepNext": "<w:keepNext/>",
        "keepLines": "<w:keepLines/>",
        "spacing": _spacing(before=before, after=120),
        "outlineLvl": f'<w:outlineLvl w:val="{level - 1}"/>',
    }
    if level == 1:
        ppr["pBdr"] = (
            f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color="{color}"/></w:pBdr>'
        )
    return _para_style(
        f"Heading{level}",
        f"heading {level}",
        ppr,
        _rpr(size, bold=True, italic=italic, color=color),
    )


def _table_style(style_id: str, name: str, borders: str, first_row: str) -> str:
    margins = _in_order(
        "tblCellMar",
        {side: f'<w:{side} w:w="{w}" w:type="dxa"/>' for side, w in CELL_MARGINS.items()},
    )
    table = {
        "tblBorders": f"<w:tblBorders>{borders}</w:tblBorders>",
        "tblCellMar": f"<w:tblCellMar>{margins}</w:tblCellMar>",
    }
    style = {
        "name": f'<w:name w:val="{name}"/>',
        "basedOn": '<w:basedOn w:val="TableNormal"/>',
        "pPr": f"<w:pPr>{_spacing(after=0, **TIGHT)}</w:pPr>",
        "tblPr": f"<w:tblPr>{_in_order('tblPr', table)}</w:tblPr>",
    }
    if first_row:
        style["tblStylePr"] = first_row
    return f'<w:style w:type="table" w:styleId="{style_id}">{_in_order("style", style)}</w:style>'


CELL_MARGINS = {"top": 45, "bottom": 45, "left": 100, "right": 100}


def _borders(color: str, *, vertical: bool) -> str:
    """``w:tblBorders`` children in the schema's order (top, left, bottom, right, insideH, insideV)."""
    sides = ["top", "bottom", "insideH"] + (["left", "right", "insideV"] if vertical else [])
    line = f'w:val="single" w:sz="4" w:space="0" w:color="{color}"'
    return _in_order("tblBorders", {side: f"<w:{side} {line}/>" for side in sides})


def styles_xml() -> str:
    toc_tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
    page_tabs = (
        f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/>'
        f'<w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
    )
    header_row = (
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr></w:tblStylePr>'
    )
    styles = [
        f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" '
        f'w:hAnsi="{LATIN_FONT}" w:eastAsia="{LATIN_FONT}" w:cs="{ARABIC_FONT}"/>'
        '<w:sz w:val="21"/><w:szCs w:val="23"/><w:lang w:val="en-GB" w:eastAsia="en-US" '
        'w:bidi="ar-IQ"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" '
        'w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>',
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "<w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>",
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "</w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" '
        'w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        "<w:semiHidden/></w:style>",
        _para_style(
            "Title",
            "Title",
            {"spacing": _spacing(before=240, after=240), "jc": CENTRED},
            _rpr(22, bold=True, color=NAVY),
        ),
        _para_style(
            "Subtitle",
            "Subtitle",
            {"spacing": _spacing(before=120, after=120), "jc": CENTRED},
            _rpr(13, color=BLUE),
        ),
        _para_style(
            "CoverLine",
            "Cover Line",
            {"spacing": _spacing(after=40), "jc": CENTRED},
            _rpr(12.5, bold=True, color=NAVY),
        ),
        _para_style(
            "FrontHeading",
            "Front Heading",
            {"keepNext": "<w:keepNext/>", "spacing": _spacing(before=0, after=200)},
            _rpr(15, bold=True, color=NAVY),
        ),
        _heading(1, 15, NAVY, 360),
        _heading(2, 12.5, BLUE, 280),
        _heading(3, 11.5, BLUE, 200),
        _heading(4, 10.5, BLUE, 160, italic=True),
        _para_style(
            "TOC1",
            "toc 1",
            {"tabs": toc_tabs, "spacing": _spacing(before=100, after=40)},
            _rpr(10.5, bold=True),
            ui_priority=39,
        ),
        _para_style(
            "TOC2",
            "toc 2",
            {
                "tabs": toc_tabs,
                "spacing": _spacing(after=20),
                "ind": '<w:ind w:left="400" w:right="0"/>',
            },
            _rpr(9.5),
            ui_priority=39,
        ),
        _para_style(
            "Header",
            "header",
            {"tabs": page_tabs, "spacing": _spacing(after=0)},
            _rpr(8, color=GREY),
        ),
        _para_style(
            "Footer",
            "footer",
            {"tabs": page_tabs, "spacing": _spacing(after=0)},
            _rpr(8.5, color=GREY),
        ),
        _para_style(
            "TableText",
            "Table Text",
            {"spacing": _spacing(before=20, after=20, **TIGHT)},
            _rpr(9.5),
        ),
        _para_style(
            "TableHeading",
            "Table Heading",
            {"keepNext": "<w:keepNext/>", "spacing": _spacing(before=20, after=20, **TIGHT)},
            _rpr(9.5, bold=True),
            based_on="TableText",
        ),
        _para_style(
            "Meta",
            "Meta",
            {"spacing": _spacing(before=60, after=40)},
            _rpr(8.5, color=GREY),
        ),
        _table_style("SOPTable", "SOP Table", _borders("A6A6A6", vertical=True), header_row),
        _table_style("SOPDetails", "SOP Details", _borders("D9D9D9", vertical=False), ""),
    ]
    return f'{HEAD}<w:styles xmlns:w="{W_NS}">' + "".join(styles) + "</w:styles>"


def write_reference(path: Path = REFERENCE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/document.xml": DOCUMENT,
        "word/styles.xml": styles_xml(),
        "word/settings.xml": SETTINGS,
        "word/fontTable.xml": FONTS,
        "word/theme/theme1.xml": THEME,
    }
    for name, xml in parts.items():
        if name.endswith(".xml") and (problems := misordered(etree.fromstring(xml.encode()))):
            raise ValueError(f"{name}: elements out of schema order: {problems}")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, xml.encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    print(write_reference(Path(args[0]) if args else REFERENCE_PATH))


if __name__ == "__main__":
    main()
