"""The verifiable-export manifest: custom document properties and the body-text fingerprint.

Every export carries, as custom properties (``docProps/custom.xml``), which SOP version it
claims to be, its content hash and sign-offs, when it was made, the audit chain head at
that moment, and the SHA-256 of the document's normalized body text. A verifier reads the
properties back with ``read_manifest`` and recomputes ``document_text_fingerprint``.

The fingerprint covers every paragraph of the body, table cells included, in document
order, and nothing else: headers and footers (watermark, page numbers), the properties
themselves, field results (the TOC and page numbers that Word refreshes on open) and
deleted revisions are left out; whitespace, Unicode normalization and invisible bidi
marks are normalized, so a file that is only opened and saved again still matches.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from sopengine.export import ooxml
from sopengine.export.ooxml import w
from sopengine.export.view import SopDocument

PREFIX = "sopengine."
MANIFEST_VERSION = "1"
CUSTOM_PART = "/docProps/custom.xml"
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_W_T, _W_P, _FLD = w("t"), w("p"), w("fldChar")
_SPACES = frozenset({w("tab"), w("br"), w("cr")})
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text under these (as parent of the run) is not shown: deletions, moves away, simple fields.
_HIDDEN_RUN_PARENTS = frozenset({w("del"), w("moveFrom"), w("fldSimple")})
_TAGS = (_W_P, _W_T, _FLD, *_SPACES, _FALLBACK)
_FLD_TYPE = w("fldCharType")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_WHITESPACE = re.compile(r"\s+")


def manifest(doc: SopDocument, *, text_fingerprint: str | None = None) -> dict[str, str]:
    """What an export of ``doc`` claims to be.

    ``text_fingerprint`` depends on the rendered file (language, layout), so ``render`` adds
    it, with ``kind`` (export or redline) and ``language``; ``read_manifest`` returns all.
    """
    signoffs = [
        {
            "ministry": s.ministry,
            "decision": s.decision,
            "content_hash": s.content_hash,
            "decided_at": _iso(s.decided_at) if s.decided_at else None,
            "official": s.official_name,
        }
        for s in doc.signoffs
    ]
    properties = {
        "manifest_version": MANIFEST_VERSION,
        "sop_code": doc.code,
        "version": str(doc.number),
        "state": doc.state,
        "content_hash": doc.content_hash,
        "signoffs": json.dumps(signoffs, separators=(",", ":"), ensure_ascii=False),
        "exported_at": _iso(doc.exported_at),
        "audit_head": doc.audit_head,
    }
    if doc.audit_checkpoint:  # the latest signed checkpoint of the audit chain, as JSON
        properties["audit_checkpoint"] = doc.audit_checkpoint
    if text_fingerprint is not None:
        properties["text_fingerprint"] = text_fingerprint
    return properties


def _iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def embed_manifest(document: DocxDocument, properties: Mapping[str, str]) -> None:
    """Write the properties as ``docProps/custom.xml``, replacing any the template had."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[r_id]
    blob = ooxml.custom_properties_xml({PREFIX + k: v for k, v in properties.items()})
    part = Part(PackURI(CUSTOM_PART), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_manifest(docx_bytes: bytes) -> dict[str, str]:
    """The sopengine properties of a .docx (empty when it has none)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        name = _package_target(archive, RT.CUSTOM_PROPERTIES)
        if name is None:
            return {}
        properties = ooxml.parse_custom_properties(_read(archive, name))
    return {k[len(PREFIX) :]: v for k, v in properties.items() if k.startswith(PREFIX)}


def document_text_fingerprint(docx_bytes: bytes) -> str:
    """SHA-256 of the normalized body text of a .docx (see the module docstring)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        name = _package_target(archive, RT.OFFICE_DOCUMENT) or "word/document.xml"
        root = etree.fromstring(_read(archive, name))
    body = root.find(w("body"))
    return body_fingerprint(body if body is not None else root)


def body_fingerprint(body: etree._Element) -> str:
    return hashlib.sha256(body_text(body).encode("utf-8")).hexdigest()


def body_text(body: etree._Element) -> str:
    """The body's visible text, one normalized line per non-empty paragraph."""
    lines: list[str] = []
    buffer: list[str] = []
    open_fields = 0
    hidden: set[etree._Element] = set()  # alternate-content fallbacks: a copy of the choice

    def flush() -> None:
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", "".join(buffer)))
        text = _WHITESPACE.sub(" ", text).strip()
        buffer.clear()
        if text:
            lines.append(text)

    for element in body.iter(*_TAGS):
        tag = element.tag
        if tag == _W_P:
            flush()
        elif tag == _FALLBACK:
            hidden.update(element.iter())
        elif element in hidden:
            continue
        elif tag == _FLD:
            kind = element.get(_FLD_TYPE)
            if kind == "begin":
                open_fields += 1
            elif kind == "end" and open_fields:
                open_fields -= 1
        elif open_fields:
            continue
        else:
            run = element.getparent()
            container = run.getparent() if run is not None else None
            if container is not None and container.tag in _HIDDEN_RUN_PARENTS:
                continue
            buffer.append(element.text or "" if tag == _W_T else " ")
    flush()
    return "\n".join(lines)


MAX_PART_BYTES = 64 * 1024 * 1024
"""An uploaded file's parts are read only up to this size (a zip bomb is refused, not expanded)."""


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_PART_BYTES:
        raise ValueError(f"{name} is larger than {MAX_PART_BYTES} bytes once uncompressed")
    return archive.read(name)


def _package_target(archive: zipfile.ZipFile, reltype: str) -> str | None:
    try:
        rels = etree.fromstring(_read(archive, "_rels/.rels"))
    except KeyError:
        return None
    for rel in rels.iter(f"{{{_PKG_RELS_NS}}}Relationship"):
        if rel.get("Type") == reltype and rel.get("TargetMode") != "External":
            target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
            return target if target in archive.namelist() else None
    return None
