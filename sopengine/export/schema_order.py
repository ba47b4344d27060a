"""Where each child goes: the element sequences of ECMA-376 (transitional ``wml.xsd``).

Word checks the order of property elements against the schema and answers a misordered
file with "Word found unreadable content". Every raw-OOXML helper therefore places the
children of the containers below through this module (``ordered`` for a recipe built in
one go, ``insert`` for an element that already exists), never by the order it happens to
append them in. A name that is not in its container's sequence is refused, so a typo or a
property put in the wrong container fails at once instead of in Word.

The sequences list the schema's complex types in their schema order, minus what the
exporter never writes (Office 2010+ ``w14``/``w15`` extensions, ``sl:schemaLibrary``,
``m:mathPr``). ``trPr`` is a choice in the schema (``CT_TrPrBase``: any order), followed by
the sequence ``ins``, ``del``, ``trPrChange`` (``CT_TrPr``); it is listed in the schema's
choice order, which is one valid order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# fmt: off
_BORDERS = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")
_RPR_BASE = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
    "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
    "oMath"
)
_PPR_BASE = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle"
)

SEQUENCES: Mapping[str, tuple[str, ...]] = {
    # CT_PPr: CT_PPrBase, then the paragraph mark's run properties, a section break, a change.
    "pPr": (*_PPR_BASE, "rPr", "sectPr", "pPrChange"),
    # CT_RPr (a run's properties) and CT_ParaRPr (a paragraph mark's: revisions first).
    "rPr": (*_RPR_BASE, "rPrChange"),
    "pPr/rPr": ("ins", "del", "moveFrom", "moveTo", *_RPR_BASE, "rPrChange"),
    "tblPr": (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange"
    ),
    "trPr": (
        "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
        "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange"
    ),
    "tcPr": (
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
        "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
        "cellMerge", "tcPrChange"
    ),
    "sectPr": (
        "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
        "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
        "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings",
        "sectPrChange"
    ),
    "settings": (
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
        "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
        "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
        "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
        "proofState", "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
        "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
        "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
        "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
        "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
        "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
        "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
        "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
        "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
        "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
        "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
        "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
        "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
        "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
        "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
        "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
        "compat", "docVars", "rsids", "uiCompat97To2003", "attachedSchema", "themeFontLang",
        "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
        "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "shapeDefaults",
        "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"
    ),
    "tblBorders": _BORDERS,
    "tcBorders": (*_BORDERS, "tl2br", "tr2bl"),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblCellMar": ("top", "left", "start", "bottom", "right", "end"),
    "style": (
        "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
        "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
        "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"
    ),
    "tblStylePr": ("pPr", "rPr", "tblPr", "trPr", "tcPr"),
    "docDefaults": ("rPrDefault", "pPrDefault"),
}
# fmt: on
"""Each container's children in schema order; ``pPr/rPr`` is a paragraph mark's ``rPr``."""

_POSITIONS = {
    container: {name: i for i, name in enumerate(names)} for container, names in SEQUENCES.items()
}
T = TypeVar("T")


def position(container: str, name: str) -> int:
    """The place of ``name`` among the children of ``container``; refuses a stranger."""
    try:
        return _POSITIONS[container][name]
    except KeyError:
        raise ValueError(f"w:{name} is not a child of w:{container} in ECMA-376") from None


def ordered(container: str, children: Iterable[tuple[str, T]]) -> tuple[tuple[str, T], ...]:
    """``(local name, payload)`` pairs sorted into the schema's order; one of each name."""
    items = list(children)
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError(f"w:{container} takes each child once: {names}")
    return tuple(sorted(items, key=lambda item: position(container, item[0])))


def container_of(element: etree._Element) -> str:
    """The ``SEQUENCES`` key for an element (a paragraph mark's ``rPr`` has its own)."""
    name = etree.QName(element).localname
    parent = element.getparent()
    if name == "rPr" and parent is not None and etree.QName(parent).localname == "pPr":
        return "pPr/rPr"
    return name


def insert(parent: etree._Element, child: etree._Element, container: str | None = None) -> None:
    """Put ``child`` among ``parent``'s children at its schema position.

    A child of the same name is replaced (each of these elements occurs once). Children of
    other namespaces (extensions Word ignores), and any the table does not know (a template
    saved by a later Word), are stepped over and stay where they are.
    """
    where = container or container_of(parent)
    rank = position(where, etree.QName(child).localname)
    known = _POSITIONS[where]
    for existing in parent:
        if not isinstance(existing.tag, str) or etree.QName(existing).namespace != W_NS:
            continue
        other = known.get(etree.QName(existing).localname)
        if other is None:
            continue
        if other == rank:
            existing.addprevious(child)
            parent.remove(existing)
            return
        if other > rank:
            existing.addprevious(child)
            return
    parent.append(child)


def misordered(root: etree._Element) -> list[str]:
    """Every container under ``root`` (itself included) whose ``w:`` children break their
    sequence: a checker for tests and for templates edited by hand."""
    problems: list[str] = []
    for element in root.iter(f"{{{W_NS}}}*"):
        where = container_of(element)
        if where not in SEQUENCES:
            continue
        ranks: list[tuple[int, str]] = []
        for child in element:
            if not isinstance(child.tag, str) or etree.QName(child).namespace != W_NS:
                continue
            name = etree.QName(child).localname
            if name not in _POSITIONS[where]:
                problems.append(f"{where}: w:{name} does not belong here")
                continue
            ranks.append((_POSITIONS[where][name], name))
        if ranks != sorted(ranks) or len({r for r, _ in ranks}) != len(ranks):
            problems.append(f"{where}: {[name for _, name in ranks]}")
    return problems
