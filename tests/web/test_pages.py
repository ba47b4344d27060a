"""The pages for people, over HTTP: what they show, what they offer, what they do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.models import SignOff
from tests.helpers import (
    PASSWORD,
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
from tests.web.pages import buttons, sign_in

PAGE = "/sops/SOP-RR-001"
READ = PAGE + "/versions/1"


async def test_pages_send_strangers_to_sign_in(client) -> None:
    for path in ("/", "/sops", PAGE, READ, READ + "/sign"):
        r = await client.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"] == "/sign-in?next=" + path
    htmx = await client.get("/sops", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"] == "/sign-in?next=/sops"


async def test_sign_in_page_shows_errors_beside_fields(client, officials: Officials) -> None:
    email = officials.reviewer["MOI"].official.email
    wrong = await client.post("/sign-in", data={"email": email, "password": "not it"})
    assert wrong.status_code == 400
    assert 'href="#email"' in wrong.text and 'aria-invalid="true"' in wrong.text
    empty = await client.post("/sign-in", data={"email": "", "password": ""})
    assert 'href="#email"' in empty.text and 'href="#password"' in empty.text
    right = await client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert right.status_code == 303 and right.headers["location"] == "/", "no open redirect"


async def test_every_page_carries_the_security_headers(client, officials: Officials) -> None:
    r = await client.get("/sign-in")
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    for url in re.findall(r'(?:src|href)="([^"]+)"', r.text):
        assert url.startswith(("/", "#")), f"{url} is not served by the service"
    css = await client.get("/static/css/site.css")
    assert css.status_code == 200 and "http" not in css.text.replace("http-equiv", "")


async def test_home_lists_what_awaits_my_ministry(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    await sign_in(client, officials.signatory["MOI"])
    home = await client.get("/")
    assert "Awaiting my ministry" in home.text and READ + "/sign" in home.text
    await ok(sign(client, officials, "MOI", "reject", comment="Name the office"))
    await sign_in(client, officials.drafter["MOMD"])
    drafter = await client.get("/")
    assert "Sent back" in drafter.text and READ in drafter.text
    await sign_in(client, officials.facilitator)
    facilitator = await client.get("/")
    assert "Review rounds in progress" in facilitator.text
    assert re.search(r"<td>1 of 3</td>\s*<td>1</td>", facilitator.text), "answered, rejected"


@pytest.mark.parametrize("state", ["draft", "in_review", "endorsed", "applied"])
async def test_buttons_are_what_the_api_accepts(client, officials: Officials, state) -> None:
    await bring_to(client, officials, state)
    people = [officials.facilitator, officials.drafter["MOMD"], officials.drafter["MFA"],
              officials.reviewer["MOI"], officials.signatory["MOMD"], officials.signatory["MOI"],
              officials.admin]  # fmt: skip
    for person in people:
        advertised = (await get_version(client, person))["available_actions"]
        await sign_in(client, person)
        page = (await client.get(PAGE)).text
        reading = (await client.get(READ)).text
        expected = [a for a in advertised if a != "comment"]
        assert buttons(page) == expected, person.official.name
        assert buttons(reading) == expected, person.official.name
        assert ("Comment on this" in reading) == ("comment" in advertised), person.official.name


async def test_the_list_searches_filters_and_pages(client, officials: Officials) -> None:
    for n in range(1, 24):
        await create_sop(client, officials.facilitator, f"SOP-RR-{n:03d}")
    await create_sop(
        client,
        officials.facilitator,
        "SOP-BM-001",
        title=loc("Border registration of returnees", "تسجيل العائدين على الحدود"),
    )
    await sign_in(client, officials.reviewer["MOI"])
    first = await client.get("/sops")
    assert first.text.count('<li>\n      <h2 class="h3">') == 20
    more = re.search(r'href="(/sops\?cursor=[^"]+)"', first.text)
    assert more, "a next page"
    second = await client.get(more.group(1).replace("&amp;", "&"))
    assert second.text.count('<h2 class="h3">') == 4
    found = await client.get("/sops", params={"q": "تسجيل الحدود"})
    assert "SOP-BM-001" in found.text and "<mark>" in found.text
    partial = await client.get("/sops", params={"q": "border"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="results"') and "<html" not in partial.text


async def test_reading_commenting_and_resolving(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    csrf = await sign_in(client, officials.reviewer["MOI"])
    page = await client.get(READ + "?show=both")
    assert page.status_code == 200
    assert 'lang="ar" dir="rtl"' in page.text and "تسجيل الوصول" in page.text
    assert "A/R" in page.text, "the RACI matrix"
    plain = await client.post(
        READ + "/comments",
        data={"csrf_token": csrf, "anchor": "procedure/S2.1", "body": "Which embassy?"},
    )
    assert plain.status_code == 303 and plain.headers["location"].endswith("#c-procedure%2FS2.1")
    swapped = await client.post(
        READ + "/comments",
        data={"csrf_token": csrf, "anchor": "procedure/S1", "body": "Within 24 hours?"},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200 and swapped.text.startswith(
        '<div class="comments" id="c-procedure-S1"'
    )
    assert "Within 24 hours?" in swapped.text and "<html" not in swapped.text
    comment_id = re.search(r"/comments/(\d+)\"", swapped.text).group(1)
    forged = await client.post(READ + "/comments", data={"anchor": "purpose", "body": "x"})
    assert forged.status_code == 403
    await sign_in(client, officials.drafter["MFA"])
    resolved = await client.post(
        f"{READ}/comments/{comment_id}",
        data={
            "csrf_token": (await sign_in(client, officials.drafter["MFA"])),
            "resolved": "true",
        },
        headers={"HX-Request": "true"},
    )
    assert resolved.status_code == 200 and "Resolved" in resolved.text
    await sign_in(client, officials.reviewer["MOP"])
    outsider = await client.get(READ)
    assert "Comment on this" not in outsider.text and "Which embassy?" in outsider.text


async def test_a_whole_round_through_the_pages(client, officials: Officials, db: Session) -> None:
    await create_sop(client, officials.facilitator)
    csrf = await sign_in(client, officials.drafter["MOMD"])
    form = await client.get(READ + "/action/submit")
    assert 'name="respond_by"' in form.text
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    submitted = await client.post(
        READ + "/action/submit", data={"csrf_token": csrf, "respond_by": due}
    )
    assert submitted.status_code == 303
    assert (await get_version(client, officials.facilitator))["respond_by"] == due

    for ministry in ("MFA", "MOI", "MOMD"):
        csrf = await sign_in(client, officials.signatory[ministry])
        page = await client.get(READ + "/sign")
        assert "Approved on behalf of the Ministry" in page.text
        content_hash = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page.text).group(1)
        body = {"csrf_token": csrf, "decision": "approve", "content_hash": content_hash}
        if ministry == "MFA":
            wrong = await client.post(READ + "/sign", data={**body, "password": "nope nope"})
            assert wrong.status_code == 422 and 'href="#password"' in wrong.text
            reject = await client.post(
                READ + "/sign", data={**body, "decision": "reject", "password": PASSWORD}
            )
            assert reject.status_code == 400 and 'href="#comment"' in reject.text
        signed = await client.post(READ + "/sign", data={**body, "password": PASSWORD})
        assert signed.status_code == 303, signed.text
    methods = db.scalars(select(SignOff.method)).all()
    assert methods == ["password"] * 3
    version = await get_version(client, officials.facilitator)
    assert version["state"] == "endorsed"

    csrf = await sign_in(client, officials.signatory["MOMD"])
    applied = await client.post(
        READ + "/action/apply", data={"csrf_token": csrf, "effective_date": "2027-01-01"}
    )
    assert applied.status_code == 303
    page = await client.get(PAGE)
    assert "In force" in page.text and "version 1</a>" in page.text


async def test_actions_refused_by_the_rule_book_are_error_pages(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    csrf = await sign_in(client, officials.reviewer["MOI"])
    r = await client.get(READ + "/action/submit")
    assert r.status_code == 403 and "You cannot do this" in r.text
    r = await client.post(READ + "/action/submit", data={"csrf_token": csrf})
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    missing = await client.get("/sops/SOP-NONE")
    assert missing.status_code == 404 and "Page not found" in missing.text


async def test_compare_and_word_files(client, officials: Officials) -> None:
    await bring_to(client, officials, "applied")
    await ok(client.post("/api/v1/sops/SOP-RR-001/versions", json={"change_summary": "v2"},
                         headers=officials.drafter["MOMD"].headers), 201)  # fmt: skip
    v2 = await get_version(client, officials.facilitator, number=2)
    content = sample_content()
    content["procedure"][0]["title"] = loc(
        "Register arrival at the airport", "تسجيل الوصول في المطار"
    )
    await ok(client.put(version_url(number=2) + "/content", json={"content": content},
                        headers={**officials.facilitator.headers, "If-Match": v2["etag"]}))  # fmt: skip
    await sign_in(client, officials.reviewer["MOI"])
    page = await client.get(PAGE + "/compare?from=1&to=2")
    assert page.status_code == 200
    assert "Register arrival<ins> at the airport</ins>" in page.text
    assert "تسجيل الوصول<ins> في المطار</ins>" in page.text and "Step 1 changed" in page.text
    redline = await client.get(PAGE + "/compare/redline.docx?from=1&to=2&lang=ar")
    assert redline.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert redline.content[:2] == b"PK"
    word = await client.get(READ + "/export.docx?lang=bilingual")
    assert word.status_code == 200 and word.content[:2] == b"PK"


async def test_a_title_with_markup_shows_as_text(client, officials: Officials) -> None:
    await create_sop(client, officials.facilitator, title=loc("<script>alert(1)</script>", "عنوان"))
    await sign_in(client, officials.reviewer["MOI"])
    for path in (PAGE, READ, "/sops"):
        html = (await client.get(path)).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_the_language_is_switched_and_remembered(client, officials: Officials, db) -> None:
    plain = await client.get("/sign-in", headers={"Accept-Language": "ar-IQ,ar;q=0.9"})
    assert '<html lang="ar" dir="rtl">' in plain.text and "تسجيل الدخول" in plain.text
    csrf = await sign_in(client, officials.reviewer["MOI"])
    switched = await client.post(
        "/language", data={"lang": "ar", "next": "/sops", "csrf_token": csrf}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/sops"
    db.refresh(officials.reviewer["MOI"].official)
    assert officials.reviewer["MOI"].official.language == "ar"
    client.cookies.delete("sopengine_lang")
    page = await client.get("/sops")
    assert '<html lang="ar" dir="rtl">' in page.text, "remembered for the person, not the browser"


async def test_pages_issue_a_bounded_number_of_statements(
    client, officials: Officials, connection
) -> None:
    """The SOP page, the reading view and the list cost the same few queries, whatever the
    number of steps, comments and sign-offs."""
    await bring_to(client, officials, "in_review")
    await sign_in(client, officials.facilitator)

    async def count(path: str) -> int:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        try:
            assert (await client.get(path)).status_code == 200
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        return len(seen)

    before = {p: await count(p) for p in (PAGE, READ, "/sops")}
    await ok(sign(client, officials, "MFA"))
    await ok(sign(client, officials, "MOI", "reject", comment="More detail"))
    for i in range(8):
        await ok(client.post(version_url() + "/comments", json={"anchor": "purpose", "body": f"c{i}"},
                             headers=officials.reviewer["MOI"].headers), 201)  # fmt: skip
    for n in range(2, 12):
        await create_sop(client, officials.facilitator, f"SOP-RR-{n:03d}")
    after = {p: await count(p) for p in (PAGE, READ, "/sops")}
    assert after == before
    assert max(after.values()) <= 10, after


async def test_an_unknown_address_is_a_page_in_the_readers_language(client) -> None:
    for lang, title, detail in (
        ("en", "Page not found", "there is no page at this address"),
        ("ar", "الصفحة غير موجودة", "لا توجد صفحة بهذا العنوان"),
    ):
        r = await client.get("/no-such-page", headers={"Accept-Language": lang})
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert title in r.text and detail in r.text
    assert "there is no page" not in r.text
