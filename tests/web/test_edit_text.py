"""The edit page's words: where a problem or a change is, and problems said as a form says them."""

from __future__ import annotations

import pytest

from sopengine.web import edit_text
from sopengine.web.content_form import pointer_parts
from sopengine.web.deps import MinistryNames
from sopengine.web.i18n import Lang

_ = Lang("en").gettext
NAMES = MinistryNames({"MOP": ("Ministry of Planning", "وزارة التخطيط"), "MOI": ("MoI", "د")})


def name(code: str) -> str:
    return NAMES.name(code, "en")


@pytest.mark.parametrize(
    ("pointer", "place"),
    [
        ("#/title/ar", "Title (Arabic)"),
        ("#/required_ministries/1", "Ministries that must sign"),
        ("#/change_summary", "Change summary"),
        ("#/content/purpose/en", "Purpose (English)"),
        ("#/content/definitions", "Definitions"),
        ("#/content/definitions/1", "Definition 2"),
        ("#/content/definitions/0/term/ar", "Definition 1: Term (Arabic)"),
        ("#/content/references/0/citation", "Reference 1: Citation"),
        ("#/content/procedure", "Procedure"),
        ("#/content/procedure/1", "Step 2"),
        ("#/content/procedure/1/steps/0/title/ar", "Step 2.1: Title (Arabic)"),
        ("#/content/procedure/0/inputs/2/en", "Step 1: Input 3 (English)"),
        ("#/content/procedure/0/supporting/1", "Step 1: Supporting ministries"),
        ("#/content/records/0/kept_by", "Record 1: Kept by"),
        ("#/content/unknown", "content/unknown"),
        ("#/languages/0", "languages/0"),
        ("#/", ""),
    ],
)
def test_where_a_problem_is(pointer: str, place: str) -> None:
    assert edit_text.place(pointer_parts(pointer), _) == place


@pytest.mark.parametrize(
    ("detail", "pointer", "said"),
    [
        ("text in 'ar' is required", "#/title/ar", "Enter the Arabic text"),
        (
            "must include the lead ministry and every ministry the procedure names as actor "
            "or supporting; missing: MOP, MOI",
            "#/required_ministries",
            "Tick the lead ministry and every ministry the procedure names; "
            "missing: Ministry of Planning, MoI",
        ),
        (
            "step id 'S1' is used twice",
            "#/content/procedure/1/id",
            "Step id S1 is used twice: give each step its own id",
        ),
        (
            "the actor cannot also be a supporting ministry",
            "#/content/procedure/0/supporting",
            "The ministry that does the step cannot also be a supporting ministry",
        ),
        (
            "steps nest at most 6 deep",
            "#/content/procedure/0",
            "Steps can be nested at most 6 levels deep",
        ),
        (
            "longer than 300 characters",
            "#/title/en",
            "Shorten this text to 300 characters or fewer",
        ),
        (
            "String should have at most 500 characters",
            "#/content/references/0/citation",
            "Shorten this text to 500 characters or fewer",
        ),
        ("ministries must not repeat", "#/required_ministries", "Tick each ministry only once"),
        ("unknown ministry 'XX'", "#/content/records/0/kept_by", "Choose a ministry from the list"),
        (
            "String should match pattern '^[A-Z][A-Z0-9_]{1,15}$'",
            "#/content/procedure/0/supporting/0",
            "Choose a ministry from the list",
        ),
        (
            "String should match pattern '^[A-Za-z0-9]'",
            "#/content/procedure/0/id",
            "Enter a step id of letters, digits, dots or hyphens, such as S3.1",
        ),
        (
            "List should have at most 500 items",
            "#/content/definitions",
            "There can be at most 500 here",
        ),
        ("something else", "#/title", "something else"),
    ],
)
def test_problems_said_as_a_form_says_them(detail: str, pointer: str, said: str) -> None:
    assert edit_text.message(detail, pointer_parts(pointer), _, name) == said


@pytest.mark.parametrize(
    ("path", "place"),
    [
        ("title", "Title"),
        ("content/scope", "Scope"),
        ("content/procedure/S2.1/description", "Step S2.1: Description"),
        ("content/procedure/S1/inputs/0", "Step S1: Input 1"),
        ("content/responsibilities/MOP/duties", "Ministry of Planning: Duties"),
        ("content/annexes/1/body", "Annex 2: Text"),
        ("content/references/0/citation", "Reference 1: Citation"),
        ("content/records", "Records and forms"),
        ("content/elsewhere/x", "content/elsewhere/x"),
    ],
)
def test_where_a_change_is(path: str, place: str) -> None:
    assert edit_text.change_place(path, _, NAMES, "en") == place


def test_language_names_follow_the_interface() -> None:
    assert edit_text.language("ar", _) == "Arabic"
    assert edit_text.language("fr", _) == "fr"
