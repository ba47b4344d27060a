"""Write ``sop_templates/reference.docx``: the styles, fonts and A4 page the exports use.

Run ``python tools/make_reference.py [PATH]``. The file is small and written
from scratch (no python-docx default template, so no leftovers); after that the look can be
changed in Word — edit the styles (Normal, Title, Heading 1–4, TOC 1–2, Table Text, SOP
Table …) and the page setup, save, and the next export uses them.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

# A development tool, not part of the service: it needs nothing from the sopengine package,
# only the checkout it lives in.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
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

DOCUMENT = f"""{HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>sopengine reference template</w:t></w:r></w:p>
<w:p><w:r><w:t>Only the styles and the page setup of this file are used: edit them in Word.</w:t></w:r></w:p>
<w:sectPr><w:pgSz w:w="{PAGE["w"]}" w:h="{PAGE["h"]}"/>
<w:pgMar w:top="{PAGE["top"]}" w:right="{PAGE["side"]}" w:bottom="{PAGE["bottom"]}" w:left="{PAGE["side"]}"
 w:header="{PAGE["edge"]}" w:footer="{PAGE["edge"]}" w:gutter="0"/><w:cols w:space="708"/>
<w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>"""


def _rpr(size: float, *, bold: bool = False, italic: bool = False, color: str | None = None) -> str:
    half = round(size * 2)
    return (
        "<w:rPr>"
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:i/><w:iCs/>" if italic else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        # Naskh reads small next to Arial at the same size: complex script one point larger.
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half + 2}"/></w:rPr>'
    )


def _para_style(
    style_id: str, name: str, ppr: str, rpr: str, *, based_on: str = "Normal", extra: str = ""
) -> str:
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="{based_on}"/><w:next w:val="Normal"/>{extra}<w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr>{rpr}</w:style>"
    )


def _heading(level: int, size: float, color: str, before: int, *, italic: bool = False) -> str:
    border = (
        f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color="{color}"/></w:pBdr>'
        if level == 1
        else ""
    )
    return _para_style(
        f"Heading{level}",
        f"heading {level}",
        f'<w:keepNext/><w:keepLines/>{border}<w:spacing w:before="{before}" w:after="120"/>'
        f'<w:outlineLvl w:val="{level - 1}"/>',
        _rpr(size, bold=True, italic=italic, color=color),
    )


def _table_style(style_id: str, name: str, borders: str, first_row: str) -> str:
    return (
        f'<w:style w:type="table" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        '<w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:after="0" w:line="240" '
        f'w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
        '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr>{first_row}</w:style>"
    )


def _borders(color: str, *, vertical: bool) -> str:
    sides = ["top", "bottom", "insideH"] + (["left", "right", "insideV"] if vertical else [])
    return "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="{color}"/>' for s in sides)


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
            '<w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/>',
            _rpr(22, bold=True, color=NAVY),
        ),
        _para_style(
            "Subtitle",
            "Subtitle",
            '<w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/>',
            _rpr(13, color=BLUE),
        ),
        _para_style(
            "CoverLine",
            "Cover Line",
            '<w:spacing w:after="40"/><w:jc w:val="center"/>',
            _rpr(12.5, bold=True, color=NAVY),
        ),
        _para_style(
            "FrontHeading",
            "Front Heading",
            '<w:keepNext/><w:spacing w:before="0" w:after="200"/>',
            _rpr(15, bold=True, color=NAVY),
        ),
        _heading(1, 15, NAVY, 360),
        _heading(2, 12.5, BLUE, 280),
        _heading(3, 11.5, BLUE, 200),
        _heading(4, 10.5, BLUE, 160, italic=True),
        _para_style(
            "TOC1",
            "toc 1",
            f'{toc_tabs}<w:spacing w:before="100" w:after="40"/>',
            _rpr(10.5, bold=True),
            extra='<w:uiPriority w:val="39"/>',
        ),
        _para_style(
            "TOC2",
            "toc 2",
            f'{toc_tabs}<w:spacing w:after="20"/><w:ind w:left="400" w:right="0"/>',
            _rpr(9.5),
            extra='<w:uiPriority w:val="39"/>',
        ),
        _para_style(
            "Header", "header", f'{page_tabs}<w:spacing w:after="0"/>', _rpr(8, color=GREY)
        ),
        _para_style(
            "Footer", "footer", f'{page_tabs}<w:spacing w:after="0"/>', _rpr(8.5, color=GREY)
        ),
        _para_style(
            "TableText",
            "Table Text",
            '<w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>',
            _rpr(9.5),
        ),
        _para_style(
            "TableHeading",
            "Table Heading",
            '<w:keepNext/><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>',
            _rpr(9.5, bold=True),
            based_on="TableText",
        ),
        _para_style(
            "Meta", "Meta", '<w:spacing w:before="60" w:after="40"/>', _rpr(8.5, color=GREY)
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
    }
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
