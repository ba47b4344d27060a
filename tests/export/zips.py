"""Zip files no honest tool writes: patched headers, bombs and broken streams, for verify tests.

A zip names each member twice, in its local header and in the central directory; the
patches below change both, the way a hostile upload would.
"""

from __future__ import annotations

import io
import struct
import zipfile

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def build(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return out.getvalue()


def _headers(data: bytes, name: str) -> list[tuple[int, int]]:
    """(offset of the header, offset of its flags field) for ``name``, local and central."""
    found, encoded = [], name.encode()
    for signature, flags_at, name_at in ((LOCAL, 6, 30), (CENTRAL, 8, 46)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from(
                "<H", data, at + name_at - (4 if signature == LOCAL else 18)
            )[0]
            if data[at + name_at : at + name_at + length] == encoded:
                found.append((at, at + flags_at))
            at = data.find(signature, at + 4)
    return found


def patch(data: bytes, name: str, *, flags: int | None = None, method: int | None = None) -> bytes:
    """Set the general-purpose flags and/or the compression method of one member."""
    out = bytearray(data)
    headers = _headers(data, name)
    assert len(headers) == 2, f"{name} not found twice"
    for _, flags_at in headers:
        if flags is not None:
            struct.pack_into("<H", out, flags_at, flags)
        if method is not None:
            struct.pack_into("<H", out, flags_at + 2, method)
    return bytes(out)


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """Claim another uncompressed size for a member (its CRC no longer matches the content)."""
    out = bytearray(data)
    for _, flags_at in _headers(data, name):
        struct.pack_into("<I", out, flags_at + 16, size)  # same distance in both headers
    return bytes(out)


def corrupt_stream(data: bytes, name: str) -> bytes:
    """Flip bytes inside the compressed data of one member."""
    out = bytearray(data)
    header, _ = next(h for h in _headers(data, name) if data[h[0] : h[0] + 4] == LOCAL)
    name_len, extra_len = struct.unpack_from("<HH", data, header + 26)
    start = header + 30 + name_len + extra_len
    for i in range(start + 2, start + 40):
        out[i] ^= 0x5A
    return bytes(out)


def bomb(name: str = "word/document.xml", size: int = 60 * 1024 * 1024) -> bytes:
    """A small .docx whose ``name`` honestly expands to ``size`` bytes of XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open(name, "w", force_zip64=True) as f:
            f.write(b'<w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>')
            block = b"A" * (1024 * 1024)
            for _ in range(size // len(block)):
                f.write(block)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()
