"""The life of one SOP as people live it, each official in its own browser, in English and
in Arabic; every page checked with axe-core and for requests to other hosts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from docx import Document
from playwright.sync_api import Browser, Page, expect

from sopengine.domain.roles import Kind
from sopengine.services import invitations, officials
from tests.browser.conftest import LiveApp, new_page, screenshot

PASSWORD = "cedar window harbour 7"
AXE = Axe()
SOP = "SOP-RR-101"


def check_page(page: Page, name: str) -> None:
    """No serious or critical accessibility violation, nothing fetched from elsewhere, and a
    screenshot to look at."""
    page.wait_for_load_state("networkidle")
    results = AXE.run(page)
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
    assert page.strays == [], f"{name} asked other hosts: {page.strays}"  # type: ignore[attr-defined]
    screenshot(page, name)


def invite(app: LiveApp, name: str, email: str, roles: list[str], ministry: str | None) -> str:
    with app.factory.begin() as session:  # type: ignore[attr-defined]
        person = officials.create_official(
            session,
            None,
            officials.NewOfficial(
                name=name, roles=roles, ministry=ministry, email=email, kind=Kind.PERSON
            ),
        )
        return invitations.issue(session, app.settings, None, person).url


def accept(browser: Browser, app: LiveApp, link: str, lang: str, who: str) -> Page:
    page = new_page(browser, app, lang)
    page.goto(link)
    check_page(page, f"{lang}-invitation-{who}")
    page.get_by_label("New password" if lang == "en" else "كلمة المرور الجديدة").fill(PASSWORD)
    page.get_by_label(
        "The same password again" if lang == "en" else "كلمة المرور نفسها مرة أخرى"
    ).fill(PASSWORD)
    page.get_by_role(
        "button",
        name="Set my password and sign in" if lang == "en" else "احفظ كلمة المرور وسجّل الدخول",
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What needs me" if lang == "en" else "ما ينتظرني"
    )
    return page


def sign(page: Page, app: LiveApp, decision: str, comment: str = "", lang: str = "en") -> None:
    page.goto(f"{app.url}/sops/{SOP}/versions/1/sign")
    check_page(page, f"{lang}-sign-{decision}")
    page.locator(f"input[name=decision][value={decision}]").check()
    if comment:
        page.get_by_label("Comment" if lang == "en" else "ملاحظة", exact=True).fill(comment)
    page.get_by_label("Your password, to sign" if lang == "en" else "كلمة المرور، للتوقيع").fill(
        PASSWORD
    )
    page.get_by_role("button", name="Sign" if lang == "en" else "وقّع", exact=True).click()
    expect(page.locator("#positions")).to_be_visible()


@pytest.mark.slow
def test_a_whole_life_in_english_and_arabic(browser: Browser, live_app: LiveApp) -> None:
    app = live_app
    admin = accept(
        browser, app, invite(app, "Ada Admin", "ada@icmpd.org", ["admin"], None), "en", "admin"
    )
    admin.get_by_role("link", name="Officials").click()
    check_page(admin, "en-officials")
    admin.get_by_role("link", name="Add an official").click()
    check_page(admin, "en-official-new")
    admin.get_by_role("button", name="Add the official").click()
    check_page(admin, "en-official-new-errors")
    admin.get_by_label("Name", exact=True).fill("Omar Drafter")
    admin.get_by_label("E-mail address (people only)").fill("omar@momd.gov.iq")
    admin.get_by_label("Ministry", exact=True).select_option("MOMD")
    admin.get_by_label("Drafter").check()
    admin.get_by_role("button", name="Add the official").click()
    check_page(admin, "en-official-invited")
    drafter_link = admin.locator("#secret").input_value()
    links = {
        "drafter": drafter_link,
        "reviewer": invite(app, "Rana Reviewer", "rana@moi.gov.iq", ["reviewer"], "MOI"),
        "facilitator": invite(app, "Fatima Facilitator", "fatima@icmpd.org", ["facilitator"], None),
        **{
            f"sig-{m}": invite(app, f"Signatory {m}", f"sig@{m.lower()}.gov.iq", ["signatory"], m)
            for m in ("MOMD", "MFA", "MOI", "MOLSA", "MOP")
        },
    }

    drafter = accept(browser, app, links["drafter"], "en", "drafter")
    check_page(drafter, "en-home-drafter")
    drafter.get_by_role("link", name="New SOP").click()
    check_page(drafter, "en-new-sop")
    drafter.get_by_label("Code").fill(SOP)
    drafter.get_by_label(re.compile("Return and Sustainable Reintegration")).check()
    drafter.get_by_role("button", name="Create the draft").click()
    expect(drafter.get_by_role("heading", level=1)).to_have_text("Edit the draft")
    check_page(drafter, "en-edit")
    drafter.locator("#content-procedure-1-title-en").fill("Receive the returnee at the airport")
    drafter.locator("#content-procedure-1-title-ar").fill("استقبال العائد في المطار")
    drafter.locator("#required_ministries-MOP").check()  # five ministries sign
    drafter.get_by_role("button", name="Save the draft").first.click()
    expect(drafter.get_by_text("Your changes are saved.")).to_be_visible()
    check_page(drafter, "en-edit-saved")
    drafter.goto(f"{app.url}/sops/{SOP}")
    check_page(drafter, "en-sop-draft")
    drafter.get_by_role("link", name="Submit for review").click()
    check_page(drafter, "en-submit")
    drafter.get_by_role("button", name="Submit for review").click()
    expect(drafter.get_by_text("In review").first).to_be_visible()

    reviewer = accept(browser, app, links["reviewer"], "en", "reviewer")
    reviewer.goto(f"{app.url}/sops/{SOP}/versions/1")
    check_page(reviewer, "en-read")
    step = reviewer.locator("#step-S2")
    step.locator("summary", has_text="Comment on this").first.click()
    step.get_by_label("Your comment").first.fill("Which office receives the returnee?")
    step.get_by_role("button", name="Add comment").first.click()
    expect(reviewer.locator("#c-procedure-S2")).to_contain_text(
        "Which office receives the returnee?"
    )
    check_page(reviewer, "en-read-commented")

    # MOI rejects first; the drafter recalls and resubmits (a new round).
    moi = accept(browser, app, links["sig-MOI"], "en", "sig-MOI")
    check_page(moi, "en-home-signatory")
    sign(moi, app, "reject", "Step 2 must name the receiving office")
    check_page(moi, "en-sop-rejected")
    drafter.goto(f"{app.url}/")
    expect(drafter.get_by_text("Sent back: a ministry rejected the text")).to_be_visible()
    drafter.goto(f"{app.url}/sops/{SOP}/versions/1/action/recall")
    check_page(drafter, "en-recall")
    drafter.get_by_role("button", name="Recall to draft").click()
    # The fix, in the Arabic interface.
    drafter.get_by_role("button", name="العربية").click()
    drafter.goto(f"{app.url}/sops/{SOP}/versions/1/edit")
    check_page(drafter, "ar-edit")
    drafter.locator("#content-procedure-1-description-en").fill(
        "The Ministry of Migration and Displaced receives the returnee at its airport office."
    )
    drafter.locator("#content-procedure-1-description-ar").fill(
        "تستقبل وزارة الهجرة والمهجرين العائد في مكتبها في المطار."
    )
    drafter.get_by_role("button", name="احفظ المسودة").first.click()
    expect(drafter.get_by_text("حُفظت تعديلاتك.")).to_be_visible()
    check_page(drafter, "ar-edit-saved")
    drafter.goto(f"{app.url}/sops/{SOP}/versions/1/action/submit")
    check_page(drafter, "ar-submit")
    drafter.get_by_role("button", name="قدّمه للمراجعة").click()

    # In Arabic: MFA signs; in English the others.
    mfa = accept(browser, app, links["sig-MFA"], "ar", "sig-MFA")
    check_page(mfa, "ar-home-signatory")
    mfa.goto(f"{app.url}/sops/{SOP}/versions/1?show=both")
    check_page(mfa, "ar-read-both")
    sign(mfa, app, "approve", lang="ar")
    check_page(mfa, "ar-sop-in-review")
    for m in ("MOI", "MOMD", "MOLSA", "MOP"):
        page = moi if m == "MOI" else accept(browser, app, links[f"sig-{m}"], "en", f"sig-{m}")
        sign(page, app, "approve")
    moi.reload()
    expect(moi.locator("h2").filter(has_text="Version 1")).to_contain_text("Endorsed")

    facilitator = accept(browser, app, links["facilitator"], "en", "facilitator")
    check_page(facilitator, "en-home-facilitator")
    facilitator.goto(f"{app.url}/sops/{SOP}")
    facilitator.get_by_role("link", name="Apply").click()
    check_page(facilitator, "en-apply")
    facilitator.get_by_label("Effective date").fill("2027-01-01")
    facilitator.get_by_role("button", name="Apply").click()
    expect(facilitator.get_by_text("version 1", exact=True)).to_be_visible()
    check_page(facilitator, "en-sop-applied")
    with facilitator.expect_download() as download:
        facilitator.get_by_role("link", name="Version 1, English and Arabic side by side").click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert SOP in text or any(
        SOP in c.text for t in document.tables for r in t.rows for c in r.cells
    )

    word_file = Path(download.value.path())
    facilitator.get_by_role("link", name="Check a Word file").click()
    check_page(facilitator, "en-check")
    facilitator.get_by_label("Word file (.docx)").set_input_files(
        {
            "name": f"{SOP}.docx",
            "mimeType": "application/octet-stream",
            "buffer": word_file.read_bytes(),
        }
    )
    facilitator.get_by_role("button", name="Check the file").click()
    expect(facilitator.get_by_text("Authentic").first).to_be_visible()
    check_page(facilitator, "en-check-authentic")
    facilitator.get_by_role("link", name="Audit").click()
    check_page(facilitator, "en-audit")
    facilitator.get_by_role("button", name="Verify the chain").click()
    expect(facilitator.get_by_text("The chain is intact.")).to_be_visible()
    check_page(facilitator, "en-audit-verified")

    # Pages in Arabic as the admin sees them.
    admin.get_by_role("button", name="العربية").click()
    for path, name in (("/officials", "officials"), ("/audit", "audit"), ("/check", "check"),
                       (f"/sops/{SOP}", "sop-applied"), (f"/sops/{SOP}/versions/1", "read"),
                       ("/account", "account")):  # fmt: skip
        admin.goto(f"{app.url}{path}")
        assert admin.locator("html").get_attribute("dir") == "rtl"
        check_page(admin, f"ar-{name}")

    # A new version, a change, and the comparison, in both languages.
    facilitator.goto(f"{app.url}/sops/{SOP}")
    facilitator.get_by_role("link", name="Start a new version").click()
    check_page(facilitator, "en-revise")
    facilitator.get_by_label("What will this version change?").fill("Name the airport office")
    facilitator.get_by_role("button", name="Start the new version").click()
    facilitator.locator("#content-procedure-1-title-en").fill(
        "Receive the returnee at the airport office"
    )
    facilitator.get_by_role("button", name="Save the draft").first.click()
    expect(facilitator.get_by_text("Your changes are saved.")).to_be_visible()
    facilitator.goto(f"{app.url}/sops/{SOP}/compare?from=1&to=2")
    expect(facilitator.locator("ins").first).to_have_text(" office")
    check_page(facilitator, "en-compare")
    admin.goto(f"{app.url}/sops/{SOP}/compare?from=1&to=2")
    check_page(admin, "ar-compare")
    admin.goto(f"{app.url}/sops")
    check_page(admin, "ar-list")

    facilitator.goto(f"{app.url}/sops")
    check_page(facilitator, "en-list")
    facilitator.get_by_label("Search, in English or Arabic").fill("الإدماج")
    facilitator.get_by_role("button", name="Search").click()
    expect(facilitator.locator("#results mark").first).to_be_visible()
    check_page(facilitator, "en-search-arabic")


def test_pages_in_arabic_are_mirrored_and_accessible(browser: Browser, live_app: LiveApp) -> None:
    page = new_page(browser, live_app, "ar")
    page.goto(f"{live_app.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    check_page(page, "ar-sign-in")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "ar-sign-in-narrow")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "en-sign-in")
