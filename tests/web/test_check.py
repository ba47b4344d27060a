"""Check a Word file: the verification service's verdicts said in words on a page."""

from __future__ import annotations

import io
import zipfile

import httpx
from docx import Document

from sopengine.web.routes import check as check_pages
from tests.helpers import Officials, Person, bring_to, sign
from tests.web.pages import sign_in, text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORT = "/api/v1/sops/SOP-RR-001/versions/1/export.docx"


async def upload(
    client: httpx.AsyncClient, csrf: str | None, data: bytes, name: str = "sop.docx"
) -> httpx.Response:
    fields = {"csrf_token": csrf} if csrf is not None else {}
    return await client.post("/check", data=fields, files={"file": (name, data, DOCX)})


def edited(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(item, content)
    return out.getvalue()


async def exported(client: httpx.AsyncClient, person: Person) -> bytes:
    r = await client.get(EXPORT, params={"lang": "en"}, headers=person.headers)
    assert r.status_code == 200, r.text
    return r.content


async def test_check_needs_a_signed_in_person(client) -> None:
    r = await client.get("/check")
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/check"


async def test_an_export_is_authentic_and_an_edited_one_altered(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "in_review")
    data = await exported(client, officials.facilitator)
    csrf = await sign_in(client, officials.reviewer["MOI"])
    form = await client.get("/check")
    assert form.status_code == 200
    assert 'type="file"' in form.text and 'accept=".docx' in form.text
    assert 'enctype="multipart/form-data"' in form.text and '<label for="file">' in form.text

    r = await upload(client, csrf, data)
    assert r.status_code == 200, r.text
    words = text_of(r.text)
    assert "Authentic" in words
    assert "unaltered export of version 1 of SOP-RR-001" in words
    assert "SOP-RR-001" in words and "In review" in words and "Exported at" in words
    assert 'href="/sops/SOP-RR-001/versions/1"' in r.text

    altered = edited(data, "Border police register", "Border police may register")
    r = await upload(client, csrf, altered)
    assert r.status_code == 200
    assert "Altered" in text_of(r.text)
    assert "was changed after the service exported it" in text_of(r.text)
    assert "word/document.xml was changed" in text_of(r.text)  # what was found, named


async def test_an_export_is_outdated_once_a_ministry_signs(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    data = await exported(client, officials.facilitator)
    await sign(client, officials, "MOI")
    csrf = await sign_in(client, officials.reviewer["MFA"])
    words = text_of((await upload(client, csrf, data)).text)
    assert "Outdated" in words
    assert "the file says “Pending”, the service says “Approved”" in words


async def test_files_that_are_not_exports_are_said_so(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.reviewer["MOI"])
    plain = io.BytesIO()
    Document().save(plain)
    r = await upload(client, csrf, plain.getvalue())
    assert r.status_code == 200 and "Not an export of this service" in text_of(r.text)

    r = await upload(client, csrf, b"%PDF-1.7 this is no Word file", "report.pdf")
    assert r.status_code == 415
    assert 'class="error-summary"' in r.text and 'href="#file"' in r.text
    assert "not a Word file (.docx) that can be read" in text_of(r.text)

    r = await client.post("/check", data={"csrf_token": csrf})
    assert r.status_code == 400 and "Choose the Word file" in r.text


async def test_a_redline_is_said_to_be_no_document_to_sign(client, officials: Officials) -> None:
    await bring_to(client, officials, "superseded")
    r = await client.get(
        "/api/v1/sops/SOP-RR-001/diff",
        params={"from": 1, "to": 2, "format": "docx"},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 200, r.text
    csrf = await sign_in(client, officials.reviewer["MOI"])
    words = text_of((await upload(client, csrf, r.content)).text)
    assert "is a redline" in words and "not a document to sign" in words
    empty = await upload(client, csrf, b"")
    assert empty.status_code == 422 and "The file is empty" in empty.text


def test_the_services_answers_said_in_words() -> None:
    found = check_pages.finding(
        {
            "verdict": "outdated",
            "official_export": True,
            "version_exists": True,
            "content_hash_matches": False,
            "current_state": "endorsed",
            "claims": {"sop_code": "SOP-X", "version": 2, "state": "in_review", "exported_at": "?"},
            "signoff_differences": [
                "MOI: the file says pending, the service says approve",
                "MOP: not required to sign this version",
                "the manifest's sign-offs are unreadable",
            ],
        }
    )
    assert found.verdict == "outdated" and found.hash_changed and not found.redline
    assert found.exported_at is None and found.version_url == "/sops/SOP-X/versions/2"
    assert [d.kind for d in found.differences] == ["signoff", "not_required", "other"]
    assert (found.differences[0].file, found.differences[0].service) == ("Pending", "Approved")
    unknown = check_pages.finding(
        {"verdict": "unknown version", "claims": {"sop_code": "SOP-X", "version": 9}}
    )
    assert unknown.verdict == "unknown_version" and unknown.version_url is None


async def test_check_without_the_csrf_token_is_refused(client, officials: Officials) -> None:
    await sign_in(client, officials.reviewer["MOI"])
    plain = io.BytesIO()
    Document().save(plain)
    r = await upload(client, None, plain.getvalue())
    assert r.status_code == 403 and "You cannot do this" in r.text
