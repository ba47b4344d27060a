"""What an altered export contains that the exporter never writes, named for a person.

The fingerprint (``export/package.py``) decides whether a file is as exported; this module
only explains a file that is not: which parts were added, removed or changed (against the
part digests of its manifest), and, inside the changed parts, anything that hides or
disguises text — hidden runs, fields other than the exporter's PAGE, NUMPAGES and TOC,
text boxes, embedded documents, external relationships, bidi overrides and invisible
characters. XML is parsed incrementally, one part at a time, and dropped as it is read.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from lxml import etree

from sopengine.export.ooxml import w
from sopengine.export.package import CUSTOM_PROPERTIES, Upload

FIELDS_WRITTEN = frozenset({"PAGE", "NUMPAGES", "TOC"})
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RELATIONSHIP = f"{{{_RELS_NS}}}Relationship"
_HIDING = {
    w("vanish"): "hidden text (w:vanish)",
    w("specVanish"): "hidden text (w:specVanish)",
    w("webHidden"): "hidden text (w:webHidden)",
}
_FOREIGN = {
    w("txbxContent"): "a text box",
    w("altChunk"): "an embedded document (w:altChunk)",
    w("subDoc"): "a subdocument (w:subDoc)",
    w("object"): "an embedded object",
    w("footnoteReference"): "a footnote",
    w("endnoteReference"): "an endnote",
    w("commentReference"): "a comment",
}
_FLD_SIMPLE, _INSTR, _FLD_CHAR = w("fldSimple"), w("instrText"), w("fldChar")
# Characters that reorder or hide text. The exporter itself writes U+200E (left-to-right
# mark) before numbers in Arabic paragraphs, so that one is not suspicious.
_DISGUISING = frozenset(
    {*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x200B, 0x200E), 0x200F}
    | {*range(0x2060, 0x2065), 0xFEFF, 0x00AD, 0x180E, 0x061C}
)
_DISGUISING_RE = re.compile("[" + "".join(f"\\u{c:04x}" for c in sorted(_DISGUISING)) + "]")
# Only these elements reach Python: what is looked for, and paragraphs and table rows, whose
# text is checked at their end and then dropped (so memory stays flat however large the part).
_BLOCKS = frozenset({w("p"), w("tr")})
_WORDPROCESSING_TAGS = frozenset({*_HIDING, *_FOREIGN, *_BLOCKS, _INSTR, _FLD_SIMPLE, _FLD_CHAR})
_RELATIONSHIP_TAGS = frozenset({_RELATIONSHIP})

_BIDI_CLASSES = frozenset(
    {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "R", "AL"}
)


def findings(upload: Upload, claimed_parts: str | None, properties: Iterable[str]) -> list[str]:
    """What was found in an upload whose fingerprint does not match, in reading order."""
    found: list[str] = []
    expected = _claimed_digests(claimed_parts)
    actual = {n: d[:16] for n, d in upload.digests().items()}
    if expected is None:
        found.append("the manifest's list of parts is missing or unreadable")
        suspects = sorted(actual)
    else:
        added = sorted(set(actual) - set(expected))
        removed = sorted(set(expected) - set(actual))
        changed = sorted(n for n in set(actual) & set(expected) if actual[n] != expected[n])
        found += [f"a part the exporter never wrote: {n}" for n in added]
        found += [f"a part removed: {n}" for n in removed]
        found += [f"{n} was changed" for n in changed]
        # A manifest rewritten to match its parts is caught by the register, not the digests:
        # then every part is a suspect.
        suspects = added + changed if added or changed or removed else sorted(actual)
    foreign = sorted(p for p in properties if not p.startswith("sopengine."))
    found += [f"a document property the exporter never writes: {p}" for p in foreign]
    for name in suspects:
        if name.endswith(".rels"):
            found += _scan(upload, name, _relationships, _RELATIONSHIP_TAGS)
        elif name.endswith(".xml") and name != CUSTOM_PROPERTIES:
            found += _scan(upload, name, _wordprocessing, _WORDPROCESSING_TAGS)
    return list(dict.fromkeys(found))


def _claimed_digests(raw: str | None) -> dict[str, str] | None:
    try:
        value = json.loads(raw or "")
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return None
    return {str(k): v for k, v in value.items()}


def _scan(upload: Upload, name: str, inspect: _Inspect, tags: frozenset[str]) -> list[str]:
    """Run ``inspect`` over the events of ``tags`` in one part, fed in chunks."""
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=sorted(tags),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    )
    state = _State(name)
    try:
        for chunk in upload.chunks(name):
            parser.feed(chunk)
            inspect(parser.read_events(), state)
        parser.close()
        inspect(parser.read_events(), state)
    except etree.XMLSyntaxError:
        state.found[f"{name} is not well-formed XML"] += 1
    return [f"{what} in {name}" if " in " not in what else what for what in _counted(state.found)]


class _State:
    def __init__(self, name: str) -> None:
        self.name = name
        self.found: Counter[str] = Counter()
        self.instr: list[str] | None = None  # the instruction of the complex field being read


_Inspect = Callable[[Iterable[tuple[str, etree._Element]], _State], None]


def _counted(found: Mapping[str, int]) -> list[str]:
    return [what if n == 1 else f"{what} ({n}×)" for what, n in found.items()]


def _wordprocessing(events: Iterable[tuple[str, etree._Element]], state: _State) -> None:
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag in _HIDING:
                state.found[_HIDING[tag]] += 1
            elif tag in _FOREIGN:
                state.found[_FOREIGN[tag]] += 1
            elif tag == _FLD_SIMPLE:
                _field(state, element.get(w("instr")) or "")
            elif tag == _FLD_CHAR:
                kind = element.get(w("fldCharType"))
                if kind == "begin":
                    state.instr = []
                elif state.instr is not None:
                    _field(state, "".join(state.instr))
                    state.instr = None
        elif tag == _INSTR:
            if state.instr is not None:
                state.instr.append(element.text or "")
        elif tag in _BLOCKS:
            # Every character of the paragraph (text, deleted text, field codes), at once.
            for match in _DISGUISING_RE.finditer("".join(element.itertext())):
                state.found[_character(match.group())] += 1
            _drop(element)


def _field(state: _State, instruction: str) -> None:
    words = instruction.split()
    kind = words[0].upper() if words else "(empty)"
    if kind not in FIELDS_WRITTEN:
        state.found[f"a field the exporter never writes: {kind}"] += 1


def _character(char: str) -> str:
    kind = (
        "a bidi control"
        if unicodedata.bidirectional(char) in _BIDI_CLASSES
        else "an invisible character"
    )
    return f"{kind} U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


def _relationships(events: Iterable[tuple[str, etree._Element]], state: _State) -> None:
    for event, element in events:
        if event == "start" and element.tag == _RELATIONSHIP:
            if element.get("TargetMode") == "External":
                kind = (element.get("Type") or "").rsplit("/", 1)[-1]
                state.found[f"an external relationship ({kind} → {element.get('Target')})"] += 1
        elif event == "end":
            _drop(element)


def _drop(element: etree._Element) -> None:
    """Forget what was read: the element's content and its earlier siblings."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
