"""Fuzzing `/exports/verify` with mutated real exports: whatever is uploaded, never a 5xx.

Hypothesis draws a bounded, reproducible set of mutations (``derandomize``) of a registered
export: flipped, inserted and truncated bytes, patched zip headers (flags, compression
methods, sizes), parts replaced by garbage or dropped. Each goes through the whole app.
"""

from __future__ import annotations

import asyncio
import zipfile

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.export import zips
from tests.helpers import Officials, bring_to, version_url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXAMPLES = 150


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def _registered_export(app, officials: Officials) -> bytes:
    async with _client(app) as client:
        await bring_to(client, officials, "in_review")
        r = await client.get(
            version_url() + "/export.docx",
            params={"lang": "en"},
            headers=officials.facilitator.headers,
        )
        assert r.status_code == 200, r.text
        return r.content


async def _verify(app, officials: Officials, blob: bytes) -> httpx.Response:
    async with _client(app) as client:
        files = {"file": ("sop.docx", blob, DOCX)}
        return await client.post(
            "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
        )


@st.composite
def mutations(draw: st.DrawFn, base: bytes) -> bytes:
    parts = zips.members(base)
    names = sorted(parts)
    kind = draw(st.sampled_from(["flip", "insert", "truncate", "header", "size", "part", "drop"]))
    if kind == "flip":
        out = bytearray(base)
        for at in draw(st.lists(st.integers(0, len(base) - 1), min_size=1, max_size=8)):
            out[at] ^= draw(st.integers(1, 255))
        return bytes(out)
    if kind == "insert":
        at = draw(st.integers(0, len(base)))
        return base[:at] + draw(st.binary(min_size=1, max_size=64)) + base[at:]
    if kind == "truncate":
        return base[: draw(st.integers(0, len(base) - 1))]
    name = draw(st.sampled_from(names))
    if kind == "header":
        flags = draw(st.sampled_from([None, 0x1, 0x8, 0x41, 0x800, 0xFFFF]))
        method = draw(st.sampled_from([None, 1, 6, 9, 12, 14, 19, 93, 95, 97, 98, 99]))
        return zips.patch(base, name, flags=flags, method=method)
    if kind == "size":
        return zips.declare_size(base, name, draw(st.integers(0, 2**32 - 1)))
    if kind == "part":
        xml_ish = st.sampled_from([b"", b"<", b"<w:document/>", b"<?xml version='1.0'?><a>&x;</a>"])
        parts[name] = draw(st.one_of(st.binary(max_size=256), xml_ish))
    else:
        del parts[name]
    return zips.build(parts, draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])))


def test_no_upload_makes_verify_fail_with_a_server_error(app, officials: Officials) -> None:
    base = asyncio.run(_registered_export(app, officials))
    seen: set[int] = set()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        blob = data.draw(mutations(base))
        r = asyncio.run(_verify(app, officials, blob))
        assert r.status_code < 500, (r.status_code, r.text)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
        seen.add(r.status_code)

    check()
    assert {200, 415} <= seen  # both altered files and unreadable ones were among the cases
