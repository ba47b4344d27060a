"""The .docx package as the exporter writes it, and as an uploaded file is read back.

An export's fingerprint is the SHA-256 of every part of the package, byte for byte (the
parts' names and the SHA-256 of their uncompressed bytes, in name order), and of the
manifest's properties — everything except the fingerprint itself. So whatever a reader
can see, or anything that could hide or change what they see (a header, a field, a hidden
run, a bidi control, a style, a relationship, a new part), changes the fingerprint; the
zip container (compression, entry order, timestamps) does not.

Uploads are read defensively: only stored or deflated parts, no encryption, a bounded
number of parts, each part and the whole package capped at what the exporter could produce
for the largest allowed SOP, and every part streamed in chunks (never held whole) while it
is hashed. Anything else is an ``UnreadableDocx`` (415), never a crash.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem  # the [Content_Types].xml python-docx writes

from sopengine.errors import UnsupportedMediaType
from sopengine.export.spool import MARKER_BYTES

CUSTOM_PROPERTIES = "docProps/custom.xml"
FINGERPRINT_PROPERTY = "sopengine.text_fingerprint"

# The bilingual export of the largest allowed SOP (bench/export_bench.py --largest) has a
# word/document.xml of about 37 MB and a package of about 38 MB uncompressed; the caps leave
# room for growth of the layout but refuse anything the exporter could never have written.
MAX_PART_BYTES = 48 * 1024 * 1024
MAX_PACKAGE_BYTES = 56 * 1024 * 1024
MAX_PROPERTIES_BYTES = 1024 * 1024
MAX_PARTS = 64
CHUNK_BYTES = 256 * 1024
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


class UnreadableDocx(UnsupportedMediaType):
    """The upload is not a .docx this service can read (and so not one it exported)."""


def fingerprint(part_digests: Mapping[str, str], properties: Mapping[str, str]) -> str:
    """The fingerprint of a package: its parts' digests and its custom properties.

    ``part_digests`` maps each part's name to the SHA-256 of its bytes (``docProps/custom.xml``
    excluded); ``properties`` are the custom properties by full name, the fingerprint's own
    property left out.
    """
    h = hashlib.sha256()
    for name in sorted(part_digests):
        h.update(f"part\0{name}\0{part_digests[name]}\n".encode())
    shown = {k: v for k, v in properties.items() if k != FINGERPRINT_PROPERTY}
    h.update(b"properties\0")
    h.update(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# --- writing --------------------------------------------------------------------------


Members = list[tuple[str, list[bytes]]]
"""Zip members in order, each as its bytes in chunks (a large part is never joined)."""


def serialized_parts(document: DocxDocument, body: list[bytes] | None = None) -> Members:
    """The zip members python-docx would write for ``document``, in its order.

    ``body`` are the body's blocks serialized apart (``export/spool.py``): they replace the
    marker comment the main document part holds in their place.
    """
    package = document.part.package
    parts = list(package.iter_parts())
    members: Members = [
        (CONTENT_TYPES_URI.membername, [_ContentTypesItem.from_parts(parts).blob]),
        (PACKAGE_URI.rels_uri.membername, [package.rels.xml]),
    ]
    for part in parts:
        chunks = [part.blob]
        if body is not None and part is document.part:
            head, marker, tail = chunks[0].partition(MARKER_BYTES)
            if not marker:
                raise ValueError("the document part has no place for the body's blocks")
            chunks = [head, *body, tail]
        members.append((part.partname.membername, chunks))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, [part.rels.xml]))
    return members


def digests(members: Members) -> dict[str, str]:
    out = {}
    for name, chunks in members:
        if name != CUSTOM_PROPERTIES:
            h = hashlib.sha256()
            for chunk in chunks:
                h.update(chunk)
            out[name] = h.hexdigest()
    return out


def write_zip(members: Members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, chunks in members:
            with archive.open(name, "w") as f:
                for chunk in chunks:
                    f.write(chunk)
    return out.getvalue()


# --- reading an upload ----------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An uploaded package whose zip directory passed the checks; parts are read on demand."""

    data: bytes
    names: tuple[str, ...]
    _digests: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def chunks(self, name: str) -> Iterator[bytes]:
        """The part's bytes in chunks; a damaged part raises ``UnreadableDocx``."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive, archive.open(name) as f:
                while chunk := f.read(CHUNK_BYTES):
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise UnreadableDocx(f"the upload is not a readable .docx file: {name}: {exc}") from exc

    def read(self, name: str, limit: int = MAX_PROPERTIES_BYTES) -> bytes:
        """A small part whole (relationships, properties), refused above ``limit``."""
        out = bytearray()
        for chunk in self.chunks(name):
            out += chunk
            if len(out) > limit:
                raise UnreadableDocx(f"{name} is larger than the exporter ever writes it")
        return bytes(out)

    def digests(self) -> dict[str, str]:
        """SHA-256 of every part but the custom properties, streamed (once per upload)."""
        out = self._digests
        if out:
            return out
        for name in self.names:
            if name == CUSTOM_PROPERTIES:
                continue
            h = hashlib.sha256()
            for chunk in self.chunks(name):
                h.update(chunk)
            out[name] = h.hexdigest()
        return out


def open_upload(data: bytes) -> Upload:
    """Check the zip directory of an upload; refuse what the exporter could never have written."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise UnreadableDocx(f"the upload is not a .docx (Word) file: {exc}") from exc
    if len(infos) > MAX_PARTS:
        raise UnreadableDocx(f"the upload has {len(infos)} parts; an export has far fewer")
    names: list[str] = []
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UnreadableDocx(f"{info.filename} is encrypted; an export never is")
        if info.compress_type not in _METHODS:
            raise UnreadableDocx(
                f"{info.filename} uses compression method {info.compress_type}; "
                "a .docx uses only stored or deflated parts"
            )
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableDocx(
                f"{info.filename} declares {info.file_size} bytes uncompressed, more than "
                f"the exporter writes for the largest allowed SOP ({MAX_PART_BYTES})"
            )
        total += info.file_size
        if info.filename in names:
            raise UnreadableDocx(f"{info.filename} appears twice in the upload")
        names.append(info.filename)
    if total > MAX_PACKAGE_BYTES:
        raise UnreadableDocx(
            f"the upload declares {total} bytes uncompressed, more than the exporter writes "
            f"for the largest allowed SOP ({MAX_PACKAGE_BYTES})"
        )
    if "[Content_Types].xml" not in names:
        raise UnreadableDocx("the upload is not a .docx (Word) file: no [Content_Types].xml")
    return Upload(data, tuple(names))
