"""Word export over HTTP: languages, the version in force, diff and redline, verification."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.db.models import ExportRecord
from sopengine.export.manifest import read_manifest
from tests.helpers import (
    Officials,
    bring_to,
    create_sop,
    get_version,
    loc,
    ok,
    sample_content,
    sign,
    version_url,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


async def export(client, person, url: str, **params) -> bytes:
    r = await client.get(url, params=params, headers=person.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX
    assert "attachment" in r.headers["content-disposition"]
    return r.content


@pytest.mark.parametrize("lang", ["en", "ar", "bilingual"])
async def test_export_each_language(client, officials: Officials, db: Session, lang: str) -> None:
    await bring_to(client, officials, "in_review")
    await ok(sign(client, officials, "MOI"))
    data = await export(
        client, officials.reviewer["MOP"], version_url() + "/export.docx", lang=lang
    )
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert ("Return and reintegration" in text) == (lang != "ar")
    if lang != "en":
        assert "العودة وإعادة الإدماج" in "\n".join(p.text for p in document.paragraphs) + "".join(
            c.text for t in document.tables for r in t.rows for c in r.cells
        )
    cells = "".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    if lang == "en":
        assert "Approved on behalf of the Ministry of Interior" in cells
    else:
        assert "تمت الموافقة نيابةً عن وزارة الداخلية" in cells
    manifest = read_manifest(data)
    version = await get_version(client, officials.facilitator)
    assert manifest["sop_code"] == "SOP-RR-001" and manifest["version"] == "1"
    assert manifest["content_hash"] == version["content_hash"] and manifest["state"] == "in_review"
    assert manifest["language"] == lang
    assert db.scalar(select(func.count()).select_from(ExportRecord)) == 1


async def test_default_language_is_primary_and_missing_language_is_422(
    client, officials: Officials
) -> None:
    english_only = _english(sample_content())
    await create_sop(
        client,
        officials.facilitator,
        "SOP-EN-1",
        languages=["en"],
        title={"en": "English only"},
        content=english_only,
    )
    data = await export(client, officials.facilitator, version_url("SOP-EN-1") + "/export.docx")
    assert read_manifest(data)["language"] == "en"
    r = await client.get(
        version_url("SOP-EN-1") + "/export.docx",
        params={"lang": "ar"},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = await client.get(
        version_url("SOP-EN-1") + "/export.docx",
        params={"lang": "fr"},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 422


def _english(value):
    if isinstance(value, dict):
        if set(value) == {"en", "ar"}:
            return {"en": value["en"]}
        return {k: _english(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_english(v) for v in value]
    return value


async def test_applied_export_is_the_version_in_force(client, officials: Officials) -> None:
    await bring_to(client, officials, "endorsed")
    r = await client.get(
        "/api/v1/sops/SOP-RR-001/export.docx", headers=officials.reviewer["MOI"].headers
    )
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"
    await bring_to(client, officials, "superseded", code="SOP-RR-002")
    data = await export(client, officials.reviewer["MOI"], "/api/v1/sops/SOP-RR-002/export.docx")
    assert read_manifest(data)["version"] == "2"
    assert read_manifest(data)["state"] == "applied"


async def revised(client, officials: Officials) -> None:
    await bring_to(client, officials, "applied")
    v2 = await ok(
        client.post(
            "/api/v1/sops/SOP-RR-001/versions",
            json={"change_summary": "Tighter deadlines"},
            headers=officials.drafter["MOMD"].headers,
        ),
        201,
    )
    content = sample_content()
    content["procedure"][0]["time_limit"] = loc("12 hours", "12 ساعة")
    content["procedure"][0]["description"]["en"] = (
        "Border police register the arrival electronically."
    )
    content["procedure"].append(
        {"id": "S3", "actor": "MOMD", "title": loc("Close the case", "إغلاق الحالة")}
    )
    del content["procedure"][1]["steps"][0]
    headers = {**officials.drafter["MOMD"].headers, "If-Match": v2["etag"]}
    await ok(
        client.put(version_url(number=2) + "/content", json={"content": content}, headers=headers)
    )


async def test_structured_diff(client, officials: Officials) -> None:
    await revised(client, officials)
    d = await ok(
        client.get(
            "/api/v1/sops/SOP-RR-001/diff",
            params={"from": 1, "to": 2},
            headers=officials.reviewer["MFA"].headers,
        )
    )
    assert d["changed"] is True
    assert [s["id"] for s in d["steps"]["added"]] == ["S3"]
    assert [s["id"] for s in d["steps"]["removed"]] == ["S2.1"]
    assert [(s["id"], s["fields"], s["moved"]) for s in d["steps"]["changed"]] == [
        ("S1", ["description", "time_limit"], False)
    ]
    texts = {(t["path"], t["lang"]): t["diff"] for t in d["texts"]}
    assert list(texts) == [
        (f"content/procedure/{path}", lang)
        for path, langs in [
            ("S1/description", ["en"]),
            ("S1/time_limit", ["en", "ar"]),
            ("S2.1/title", ["en", "ar"]),
            ("S2.1/description", ["en", "ar"]),
            ("S3/title", ["en", "ar"]),
        ]
        for lang in langs
    ]
    assert texts[("content/procedure/S1/description", "en")] == [
        ["equal", "Border police register the arrival"],
        ["insert", " electronically"],
        ["equal", "."],
    ]
    assert texts[("content/procedure/S1/time_limit", "ar")] == [
        ["delete", "24"],
        ["insert", "12"],
        ["equal", " ساعة"],
    ]
    r = await client.get(
        "/api/v1/sops/SOP-RR-001/diff",
        params={"from": 1, "to": 9},
        headers=officials.reviewer["MFA"].headers,
    )
    assert r.status_code == 404
    r = await client.get(
        "/api/v1/sops/SOP-RR-001/diff",
        params={"from": 1, "to": 1},
        headers=officials.reviewer["MFA"].headers,
    )
    assert r.status_code == 400


async def test_redline_has_tracked_changes(client, officials: Officials) -> None:
    await revised(client, officials)
    data = await export(
        client,
        officials.reviewer["MFA"],
        "/api/v1/sops/SOP-RR-001/diff",
        **{"from": 1, "to": 2, "format": "docx"},
    )
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and "<w:delText" in xml
    assert 'w:author="Reviewer MFA"' in xml
    assert re.search(r'w:date="\d{4}-\d\d-\d\dT', xml)
    assert "electronically" in xml
    assert read_manifest(data)["kind"] == "redline"
    files = {"file": ("redline.docx", data, DOCX)}
    checked = await ok(
        client.post(
            "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
        )
    )
    assert checked["official_export"] is False and checked["text_intact"] is True
    assert "not a document to sign" in checked["detail"]


async def test_verify_authentic_altered_outdated_and_foreign(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    data = await export(client, officials.facilitator, version_url() + "/export.docx", lang="en")

    async def check(blob: bytes, name: str = "sop.docx") -> dict:
        files = {"file": (name, blob, DOCX)}
        return await ok(
            client.post(
                "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
            )
        )

    result = await check(data)
    assert result["verdict"] == "authentic", result
    assert (
        result["claims"]["sop_code"] == "SOP-RR-001"
        and result["content_hash_matches"] is True
        and result["text_intact"] is True
    )

    altered = _edit_text(
        data, "Border police register the arrival.", "Border police may register the arrival."
    )
    result = await check(altered)
    assert result["verdict"] == "altered" and result["text_intact"] is False

    await ok(sign(client, officials, "MOI"))
    result = await check(data)
    assert result["verdict"] == "outdated" and result["signoffs_match"] is False
    assert result["signoff_differences"] == ["MOI: the file says pending, the service says approve"]

    plain = io.BytesIO()
    Document().save(plain)
    assert (await check(plain.getvalue()))["recognized"] is False
    r = await client.post(
        "/api/v1/exports/verify",
        files={"file": ("x.docx", b"not a zip", DOCX)},
        headers=officials.reviewer["MOI"].headers,
    )
    assert r.status_code == 415


def _edit_text(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = content.decode()
                assert old in text
                content = text.replace(old, new).encode()
            target.writestr(item, content)
    return out.getvalue()
