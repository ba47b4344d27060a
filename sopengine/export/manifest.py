"""The verifiable-export manifest: custom document properties and the package fingerprint.

Every export carries, as custom properties (``docProps/custom.xml``), which SOP version it
claims to be, its content hash and sign-offs, when it was made, the audit chain head at
that moment, the SHA-256 of each part of the file (``parts``) and the fingerprint of the
whole file (``text_fingerprint``, see ``export/package.py``): every part byte for byte and
every other property, so nothing a reader sees or that hides text can change unnoticed.
A verifier reads the properties back with ``read_manifest`` / ``read_properties`` and
recomputes the fingerprint with ``package_fingerprint``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from sopengine.export import ooxml, package
from sopengine.export.package import CUSTOM_PROPERTIES, Upload, open_upload
from sopengine.export.view import SopDocument

PREFIX = "sopengine."
MANIFEST_VERSION = "2"
CUSTOM_PART = "/" + CUSTOM_PROPERTIES
PART_DIGEST_CHARS = 16


def manifest(doc: SopDocument) -> dict[str, str]:
    """What an export of ``doc`` claims to be.

    ``render`` adds ``kind`` (export or redline) and ``language``, and ``seal`` the part
    digests and the fingerprint of the file; ``read_manifest`` returns all.
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
    return properties


def _iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def embed_manifest(document: DocxDocument, properties: Mapping[str, str]) -> None:
    """Write the properties as ``docProps/custom.xml``, replacing any the template had."""
    pkg = document.part.package
    for r_id, rel in list(pkg.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del pkg.rels[r_id]
    blob = ooxml.custom_properties_xml({PREFIX + k: v for k, v in properties.items()})
    part = Part(PackURI(CUSTOM_PART), CT.OFC_CUSTOM_PROPERTIES, blob, pkg)
    pkg.relate_to(part, RT.CUSTOM_PROPERTIES)


def seal(
    document: DocxDocument, properties: Mapping[str, str], body: list[bytes] | None = None
) -> bytes:
    """The .docx bytes of ``document`` with its manifest: ``properties``, the part digests
    and the fingerprint of everything else (``export/package.py``); ``body`` are the body's
    blocks serialized apart (``export/spool.py``)."""
    embed_manifest(document, properties)  # the custom part exists, so it is in the package
    members = package.serialized_parts(document, body)
    digests = package.digests(members)
    full = {PREFIX + k: v for k, v in properties.items()}
    full[PREFIX + "parts"] = json.dumps(
        {name: digest[:PART_DIGEST_CHARS] for name, digest in sorted(digests.items())},
        separators=(",", ":"),
    )
    full[package.FINGERPRINT_PROPERTY] = package.fingerprint(digests, full)
    blob = ooxml.custom_properties_xml(full)
    return package.write_zip([(n, [blob] if n == CUSTOM_PROPERTIES else c) for n, c in members])


def read_properties(upload: Upload) -> dict[str, str]:
    """Every custom property of an upload by full name (empty when it has none)."""
    if CUSTOM_PROPERTIES not in upload.names:
        return {}
    try:
        return ooxml.parse_custom_properties(upload.read(CUSTOM_PROPERTIES))
    except (etree.LxmlError, ValueError) as exc:
        raise package.UnreadableDocx(f"{CUSTOM_PROPERTIES} is not readable: {exc}") from exc


def sopengine_properties(properties: Mapping[str, str]) -> dict[str, str]:
    return {k[len(PREFIX) :]: v for k, v in properties.items() if k.startswith(PREFIX)}


def read_manifest(docx_bytes: bytes) -> dict[str, str]:
    """The sopengine properties of a .docx (empty when it has none)."""
    return sopengine_properties(read_properties(open_upload(docx_bytes)))


def package_fingerprint(upload: Upload, properties: Mapping[str, str]) -> str:
    """The fingerprint of an upload as it is (compare with its ``text_fingerprint`` claim)."""
    return package.fingerprint(upload.digests(), properties)


def document_fingerprint(docx_bytes: bytes) -> str:
    upload = open_upload(docx_bytes)
    return package_fingerprint(upload, read_properties(upload))
