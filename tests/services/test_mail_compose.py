"""A notice as a message: both parts, both languages, headers; no database, no server."""

from __future__ import annotations

import email
import email.policy

from sopengine.mail.compose import Item, Letter, compose

DATA = {
    "sop_code": "SOP-RR-001",
    "version": 2,
    "title": {"en": "Return & <reintegration>", "ar": "العودة وإعادة الإدماج"},
    "comment": "<script>alert(1)</script>",
    "ministry": "MOI",
    "ministry_names": {"en": "Ministry of Interior", "ar": "وزارة الداخلية"},
}


def letter(**overrides) -> Letter:
    values = {
        "address": "l.hassan@moi.gov.iq",
        "name": "Layla",
        "languages": ("ar", "en"),
        "message_id": "<notice.abc@sop.example>",
        "items": [Item("version.rejected", DATA)],
    }
    values.update(overrides)
    return Letter(**values)


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def test_a_notice_has_both_parts_and_the_headers() -> None:
    m = parsed(compose(letter(), sender="sop@moi.gov.iq", public_url="https://sop.example"))
    assert m["Subject"] == "[SOP-RR-001] رُفض الإصدار 2 · Version 2 rejected"
    assert m["Message-ID"] == "<notice.abc@sop.example>"
    assert m["List-Unsubscribe"] == "<https://sop.example/account/notices>"
    assert m["To"] == "l.hassan@moi.gov.iq" and m["From"] == "sop@moi.gov.iq"
    html = m.get_body(("html",)).get_content()
    text = m.get_body(("plain",)).get_content()
    assert html.index('<div lang="ar" dir="rtl"') < html.index('<div lang="en" dir="ltr"')
    assert text.index("رفضت وزارة الداخلية") < text.index("The Ministry of Interior rejected")
    assert "&lt;script&gt;" in html and "<script>" not in html, "user text is escaped in HTML"
    assert "Return &amp; &lt;reintegration&gt;" in html
    assert "https://sop.example/sops/SOP-RR-001/versions/2" in text


def test_english_first_when_chosen() -> None:
    m = parsed(compose(letter(languages=("en", "ar")), sender="a@b.iq", public_url="http://x"))
    assert m["Subject"] == "[SOP-RR-001] Version 2 rejected · رُفض الإصدار 2"
    html = m.get_body(("html",)).get_content()
    assert html.index('dir="ltr"') < html.index('dir="rtl"')


def test_a_digest_lists_every_item_and_every_code() -> None:
    other = {**DATA, "sop_code": "SOP-BM-002", "version": 1}
    digest = letter(
        items=[Item("version.rejected", DATA), Item("version.endorsed", other)],
        digest_of="2026-11-29",
    )
    m = parsed(compose(digest, sender="a@b.iq", public_url="http://x"))
    assert m["Subject"].startswith("[SOP-BM-002, SOP-RR-001] ملخصك اليومي ليوم 2026-11-29")
    text = m.get_body(("plain",)).get_content()
    assert text.count("SOP-BM-002") == 4 and "http://x/sops/SOP-BM-002/versions/1" in text
