"""The page for editing a draft: the form, changing its shape without JavaScript, saving,
problems beside their fields, and a save that comes after someone else's."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import Connection, event

from sopengine.errors import PreconditionFailed
from sopengine.web.routes import edit as edit_route
from tests.helpers import Officials, Person, bring_to, get_version, ok, sample_content, version_url
from tests.web.forms import fields, setting, submit, unlabelled, value
from tests.web.pages import csrf_of, sign_in

EDIT = "/sops/SOP-RR-001/versions/1/edit"
HTMX = {"HX-Request": "true"}


async def open_form(client: httpx.AsyncClient, person: Person) -> str:
    await sign_in(client, person)
    page = await client.get(EDIT)
    assert page.status_code == 200, page.text
    return page.text


async def post(
    client: httpx.AsyncClient, pairs: list[tuple[str, str]], op: str = "save", **headers: str
) -> httpx.Response:
    return await submit(client, EDIT, [*pairs, ("op", op)], **headers)


@contextmanager
def sql_statements(connection: Connection) -> Iterator[list[str]]:
    """The SQL statements run on the connection meanwhile."""
    seen: list[str] = []

    def note(conn, cursor, statement: str, *rest: object) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", note)


@pytest.fixture
async def second(app) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser: its own cookies, its own session."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as c:
        yield c


async def test_the_form_holds_every_section_in_both_languages_with_labels(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    assert unlabelled(html) == []
    pairs = dict(fields(html))
    assert pairs["title.ar"] == "العودة وإعادة الإدماج"
    assert pairs["content.procedure.1.steps.0.id"] == "S2.1"
    assert pairs["content.procedure.1.steps.0.actor"] == "MFA"
    assert pairs["content.procedure.0.supporting"] == "MOMD"
    assert pairs["content.procedure.0.inputs.0.en"] == "Travel document"
    assert pairs["content.references.0.citation"] == "Law 21/2009"
    assert pairs["content.records.0.kept_by"] == "MOMD"
    assert pairs["content.annexes.0.body.ar"] == "الحقول: …"
    assert pairs["change_summary"] == "First draft"
    assert re.search(r'id="content-purpose-ar" name="content.purpose.ar" lang="ar" dir="rtl"', html)
    assert re.search(r'id="content-purpose-en" name="content.purpose.en" lang="en" dir="ltr"', html)
    assert pairs["etag"] == (await get_version(client, officials.facilitator))["etag"]
    for button in ("add:procedure", "add:procedure.1.steps", "indent:procedure.1", "add:records"):
        assert f'value="{button}"' in html
    assert 'value="up:procedure.0"' not in html  # the first step cannot go higher


async def test_a_step_edited_in_arabic_and_english_is_saved(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    before = await get_version(client, officials.facilitator)
    html = await open_form(client, officials.drafter["MOMD"])
    pairs = setting(
        fields(html),
        content__procedure__0__title__en="Register the arrival",
        content__procedure__0__title__ar="تسجيل الوصول في المطار",
        content__procedure__0__description__ar="",
        content__procedure__0__description__en="",
        change_summary="Clearer first step",
    )
    saved = await post(client, pairs)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == EDIT + "?saved=true"
    version = await get_version(client, officials.facilitator)
    step = version["content"]["procedure"][0]
    assert step["title"] == {"en": "Register the arrival", "ar": "تسجيل الوصول في المطار"}
    assert step.get("description") is None
    assert version["content"]["procedure"][1:] == before["content"]["procedure"][1:]
    assert version["change_summary"] == "Clearer first step"
    assert "Your changes are saved" in (await client.get(saved.headers["location"])).text


async def test_a_form_saved_unchanged_keeps_the_content_hash(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    before = await get_version(client, officials.facilitator)
    html = await open_form(client, officials.drafter["MOMD"])
    assert (await post(client, fields(html))).status_code == 303
    assert (await get_version(client, officials.facilitator))["content_hash"] == before[
        "content_hash"
    ]


async def test_steps_are_added_moved_nested_and_removed_without_saving(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    before = await get_version(client, officials.facilitator)

    async def do(op: str) -> str:
        nonlocal html
        response = await post(client, fields(html), op)
        assert response.status_code == 200, response.text
        html = response.text
        return html

    await do("add:procedure")
    assert value(fields(html), "content.procedure.2.id") == "S3"
    assert value(fields(html), "content.procedure.2.actor") == "MOMD"
    assert 'id="content-procedure-2-title-en" name="content.procedure.2.title.en"' in html
    assert re.search(r'id="content-procedure-2-title-en"[^>]*autofocus', html)
    html = html.replace(
        'name="content.procedure.2.title.en" value=""',
        'name="content.procedure.2.title.en" value="Close the case"',
    )
    await do("up:procedure.2")
    assert value(fields(html), "content.procedure.1.id") == "S3"
    assert value(fields(html), "content.procedure.1.title.en") == "Close the case"
    await do("indent:procedure.1")  # under S1
    assert value(fields(html), "content.procedure.0.steps.0.id") == "S3"
    await do("add:procedure.0.steps")
    assert value(fields(html), "content.procedure.0.steps.1.id") == "S1.1"
    assert value(fields(html), "content.procedure.0.steps.1.actor") == "MOI"
    await do("outdent:procedure.0.steps.0")  # S3 back to the top level, after S1
    assert [value(fields(html), f"content.procedure.{i}.id") for i in range(3)] == [
        "S1",
        "S3",
        "S2",
    ]
    await do("down:procedure.1")
    await do("remove:procedure.0.steps.0")  # S1.1 again
    assert "content.procedure.0.steps.0.id" not in dict(fields(html))
    assert await get_version(client, officials.facilitator) == before  # nothing stored yet

    pairs = setting(fields(html), content__procedure__2__title__ar="إغلاق الملف")
    assert (await post(client, pairs)).status_code == 303
    ids = [
        s["id"] for s in (await get_version(client, officials.facilitator))["content"]["procedure"]
    ]
    assert ids == ["S1", "S2", "S3"]


async def test_items_of_lists_are_added_and_removed(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    for op in ("add:definitions", "add:procedure.0.outputs", "remove:procedure.0.inputs.0"):
        response = await post(client, fields(html), op)
        assert response.status_code == 200, response.text
        html = response.text
    pairs = dict(fields(html))
    assert pairs["content.definitions.1.term.en"] == ""
    assert pairs["content.procedure.0.outputs.1.ar"] == ""
    assert "content.procedure.0.inputs.0.en" not in pairs
    assert (await post(client, fields(html), "remove:annexes.0")).status_code == 200
    assert (await post(client, fields(html), "add:nowhere")).status_code == 400


async def test_htmx_gets_only_the_editor(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    response = await post(client, fields(html), "add:procedure", **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="editor">')
    assert "<html" not in response.text
    assert 'value="S3"' in response.text


async def test_a_problem_is_shown_beside_its_field_and_in_the_summary(
    client, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    before = (await get_version(client, officials.facilitator))["content_hash"]
    html = await open_form(client, officials.drafter["MOMD"])
    pairs = setting(
        fields(html),
        content__procedure__1__steps__0__title__ar="",
        content__procedure__1__steps__0__title__en="Consular follow-up, typed",
        content__procedure__0__actor="MOP",
    )
    response = await post(client, pairs)
    assert response.status_code == 422
    page = response.text
    field = "content-procedure-1-steps-0-title-ar"
    assert f'<a href="#{field}">Step 2.1: Title (Arabic): Enter the Arabic text</a>' in page
    assert f'<p class="field-error" id="{field}-error">' in page
    assert re.search(
        rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', page
    )
    assert (
        '<a href="#required_ministries">Ministries that must sign: Tick the lead ministry' in page
    )
    assert "missing: Ministry of Planning" in page
    kept = dict(fields(page))
    assert kept["content.procedure.1.steps.0.title.en"] == "Consular follow-up, typed"
    assert kept["content.procedure.0.actor"] == "MOP"
    assert (await get_version(client, officials.facilitator))["content_hash"] == before


async def test_a_malformed_step_id_is_a_problem_of_that_field(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    response = await post(client, setting(fields(html), content__procedure__0__id="S 1"))
    assert response.status_code == 422
    assert '<a href="#content-procedure-0-id">Step 1: Step id: Enter a step id' in response.text


async def test_problems_of_one_field_are_said_together(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    ticks = [("content.procedure.0.supporting", c) for c in ("MOI", "MOMD", "MOMD")]
    response = await post(client, [*fields(html), *ticks])
    assert response.status_code == 422
    assert (
        '<p class="field-error" id="content-procedure-0-supporting-error">'
        '<span class="visually-hidden">Error:</span> '
        "The ministry that does the step cannot also be a supporting ministry "
        "Tick each ministry only once</p>"
    ) in response.text
    assert response.text.count('<a href="#content-procedure-0-supporting">') == 1


async def test_a_stale_save_stores_nothing_shows_their_change_and_keeps_both_edits(
    client, second, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    mine = await open_form(client, officials.drafter["MOMD"])
    theirs = await open_form(second, officials.drafter["MOI"])
    their_pairs = setting(
        fields(theirs), content__purpose__en="Coordinate a safe and dignified return."
    )
    assert (await post(second, their_pairs)).status_code == 303
    after_theirs = await get_version(client, officials.facilitator)

    my_pairs = setting(fields(mine), content__procedure__0__title__en="Register the arrival")
    stale = await post(client, my_pairs)
    assert stale.status_code == 409
    page = stale.text
    assert "Someone else saved this draft first" in page
    assert "Coordinate <ins>a safe and </ins>dignified return." in page
    assert await get_version(client, officials.facilitator) == after_theirs  # nothing overwritten
    now = dict(fields(page))
    assert now["content.procedure.0.title.en"] == "Register the arrival"  # mine, kept
    assert now["content.purpose.en"] == "Coordinate a safe and dignified return."  # theirs, in
    assert now["etag"] == after_theirs["etag"]

    again = await post(client, fields(page))
    assert again.status_code == 303, again.text
    content = (await get_version(client, officials.facilitator))["content"]
    assert content["purpose"]["en"] == "Coordinate a safe and dignified return."
    assert content["procedure"][0]["title"]["en"] == "Register the arrival"


async def test_when_both_change_the_same_field_mine_is_kept_and_theirs_shown(
    client, second, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    mine = await open_form(client, officials.drafter["MOMD"])
    theirs = await open_form(second, officials.drafter["MOI"])
    their_pairs = setting(fields(theirs), content__scope__ar="نطاق جديد")
    their_pairs = [(k, v) for k, v in their_pairs if k != "content.procedure.0.supporting"]
    assert (await post(second, their_pairs)).status_code == 303

    stale = await post(client, setting(fields(mine), content__scope__ar="نطاقي"))
    assert stale.status_code == 409
    now = dict(fields(stale.text))
    assert now["content.scope.ar"] == "نطاقي"
    assert "content.procedure.0.supporting" not in now  # their untick came in
    assert 'id="content-scope-ar-clash"' in stale.text
    assert re.search(
        r'id="content-scope-ar"[^>]*aria-describedby="content-scope-ar-clash"', stale.text
    )
    assert '<q dir="auto">نطاق جديد</q>' in stale.text
    # Moving a step afterwards keeps the notice of what they changed.
    moved = await post(client, fields(stale.text), "down:procedure.0")
    assert "Someone else saved this draft first" in moved.text


async def test_a_reviewer_gets_the_refusal_page(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    await sign_in(client, officials.reviewer["MOI"])
    page = await client.get(EDIT)
    assert page.status_code == 403
    assert "You cannot do this" in page.text
    token = csrf_of((await client.get("/account")).text)
    refused = await client.post(EDIT, data={"csrf_token": token, "op": "add:procedure"})
    assert refused.status_code == 403


async def test_a_drafter_of_a_ministry_not_bound_is_refused(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    await sign_in(client, officials.drafter["MOP"])
    assert (await client.get(EDIT)).status_code == 403


async def test_a_frozen_version_is_refused(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    await sign_in(client, officials.drafter["MOMD"])
    page = await client.get(EDIT)
    assert page.status_code == 409
    assert "This cannot be done now" in page.text


async def test_a_save_without_the_csrf_token_is_refused(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])
    pairs = [(k, v) for k, v in fields(html) if k != "csrf_token"]
    assert (await post(client, pairs)).status_code == 403


async def test_signing_in_first(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    response = await client.get(EDIT)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=" + EDIT


async def test_only_the_lead_may_take_a_ministry_off(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOI"])
    for code in ("MFA", "MOI", "MOMD"):
        assert re.search(rf'id="required_ministries-{code}"[^>]*checked disabled', html)
    assert 'type="hidden" name="required_ministries" value="MFA"' in html
    assert re.search(r'id="required_ministries-MOP"[^>]*>', html)
    lead = await open_form(client, officials.drafter["MOMD"])
    assert re.search(r'id="required_ministries-MFA"[^>]*checked>', lead)


async def test_the_page_costs_the_same_statements_whatever_the_steps(
    client, officials: Officials, connection: Connection
) -> None:
    await bring_to(client, officials, "draft")
    await sign_in(client, officials.drafter["MOMD"])

    async def statements() -> int:
        with sql_statements(connection) as seen:
            assert (await client.get(EDIT)).status_code == 200
        return len([s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))])

    few = await statements()
    draft = await get_version(client, officials.facilitator)
    content = sample_content()
    first = content["procedure"][0]
    content["procedure"] += [{**first, "id": f"S{n}", "steps": []} for n in range(3, 63)]
    await ok(
        client.put(
            version_url() + "/content",
            json={"content": content},
            headers={**officials.facilitator.headers, "If-Match": draft["etag"]},
        )
    )
    # The person's session, the version with its SOP and ministries, the ministries' names.
    assert few == await statements() == 3


async def test_a_write_that_loses_the_race_is_shown_as_a_stale_save(
    client, officials: Officials, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bring_to(client, officials, "draft")
    html = await open_form(client, officials.drafter["MOMD"])

    def lost(*args: object, **kwargs: object) -> None:
        raise PreconditionFailed("the version was changed by someone else; read it again")

    monkeypatch.setattr(edit_route.drafting, "update_text", lost)
    response = await post(client, setting(fields(html), content__scope__en="Mine"))
    assert response.status_code == 409
    assert "Someone else saved this draft first" in response.text
    assert "They did not change the text." in response.text
    assert value(fields(response.text), "content.scope.en") == "Mine"


async def test_a_stale_save_with_a_forged_base_keeps_my_text_only(
    client, second, officials: Officials
) -> None:
    await bring_to(client, officials, "draft")
    mine = await open_form(client, officials.drafter["MOMD"])
    theirs = await open_form(second, officials.drafter["MOI"])
    assert (
        await post(second, setting(fields(theirs), content__scope__en="Theirs"))
    ).status_code == 303
    response = await post(client, setting(fields(mine), base="forged", content__purpose__en="Mine"))
    assert response.status_code == 409
    assert "Their changes cannot be shown here" in response.text
    assert "without their changes" in response.text
    now = dict(fields(response.text))
    assert (now["content.purpose.en"], now["content.scope.en"]) == (
        "Mine",
        "Returns from EU member states.",
    )


async def test_the_page_in_arabic(client, officials: Officials) -> None:
    await bring_to(client, officials, "draft")
    await sign_in(client, officials.drafter["MOMD"])
    client.cookies.set("sopengine_lang", "ar")
    await client.post(
        "/language",
        data={
            "lang": "ar",
            "next": EDIT,
            "csrf_token": csrf_of((await client.get("/account")).text),
        },
    )
    page = (await client.get(EDIT)).text
    assert '<html lang="ar" dir="rtl">' in page
    assert re.search(r'id="title-en" name="title.en" value="[^"]*" lang="en" dir="ltr"', page)
    assert re.search(r'id="title-ar" name="title.ar" value="[^"]*" lang="ar" dir="rtl"', page)
