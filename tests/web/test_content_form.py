"""The edit form's names and ids against the content, both ways, with no app and no database."""

from __future__ import annotations

from typing import Any

import pytest

from sopengine.domain.content import SopContent
from sopengine.errors import ValidationFailed
from sopengine.web import content_form
from sopengine.web.content_form import Draft, draft_of, field_id, field_ids, nearest, parse
from tests.helpers import loc, sample_content

LANGS = ["en", "ar"]


def sample_draft() -> Draft:
    return draft_of(LANGS, loc("Return", "العودة"), ["MFA", "MOI", "MOMD"], sample_content(), "v1")


def names(draft: Draft) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts for this draft (the form's side)."""
    pairs: list[tuple[str, str]] = []

    def walk(node: Any, name: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{name}.{key}")
        elif isinstance(node, list) and name.endswith(".supporting"):
            pairs.extend((name, code) for code in node)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{name}.{index}")
        else:
            pairs.append((name, node))

    walk(draft.title, "title")
    walk(draft.content, "content")
    pairs += [("required_ministries", c) for c in draft.required_ministries]
    pairs.append(("change_summary", draft.change_summary))
    return pairs


def test_a_posted_form_reads_back_as_the_draft_it_shows() -> None:
    draft = sample_draft()
    assert parse(names(draft), LANGS) == draft


def test_a_stored_text_is_shown_with_every_field_present() -> None:
    content = sample_draft().content
    nested = content["procedure"][1]["steps"][0]
    assert nested["id"] == "S2.1"
    assert nested["supporting"] == []
    assert nested["time_limit"] == {"en": "", "ar": ""}
    assert nested["inputs"] == []
    assert content["references"][0]["citation"] == "Law 21/2009"
    assert content["records"][0]["retention"] == loc("5 years", "5 سنوات")


def test_only_the_versions_languages_are_kept() -> None:
    draft = draft_of(["en"], loc("Return", "العودة"), [], sample_content())
    assert draft.title == {"en": "Return"}
    assert draft.content["purpose"] == {"en": "Coordinate dignified return."}


def test_indices_order_the_items_and_gaps_close() -> None:
    pairs = [
        ("content.procedure.10.id", "S10"),
        ("content.procedure.9.id", "S9"),
        ("content.procedure.9.steps.4.id", "S9.1"),
    ]
    procedure = parse(pairs, LANGS).content["procedure"]
    assert [s["id"] for s in procedure] == ["S9", "S10"]
    assert [s["id"] for s in procedure[0]["steps"]] == ["S9.1"]


def test_browser_line_breaks_become_the_stored_ones() -> None:
    draft = parse([("content.purpose.en", "one\r\ntwo"), ("change_summary", "  x \n")], LANGS)
    assert draft.content["purpose"]["en"] == "one\ntwo"
    assert draft.change_summary == "x"


def test_forged_names_do_not_break_the_reading() -> None:
    deep = "content." + ".".join(["procedure.0.steps"] * 20) + ".0.id"
    pairs = [
        (deep, "S9"),
        ("content.purpose", "not a text"),
        ("content.purpose.en", "kept?"),
        ("content.scope.en", "first"),
        ("content.scope.en", "second"),
        ("content.nonsense.0.x", "y"),
        ("title.en.extra", "z"),
        ("required_ministries", "MOI"),
        ("required_ministries", "MOI"),
        ("csrf_token", "t"),
        ("content.scope.ar", object()),  # a file, where a text was expected
    ]
    draft = parse(pairs, LANGS)
    assert draft.content["procedure"] == []
    assert draft.content["scope"]["ar"] == ""
    assert draft.content["purpose"] == {"en": "", "ar": ""}
    assert draft.content["scope"]["en"] == "first"
    assert "nonsense" not in draft.content
    assert draft.title == {"en": "", "ar": ""}
    assert draft.required_ministries == ["MOI"]


def test_blank_optional_texts_are_left_out_of_the_content() -> None:
    content = content_form.to_content(sample_draft())
    assert isinstance(content, SopContent)
    assert content.procedure[1].time_limit is None
    assert content.procedure[1].steps[0].description == loc(
        "Embassy shares documents.", "تشارك السفارة الوثائق."
    )
    assert content.model_dump(mode="json") == SopContent.model_validate(
        sample_content()
    ).model_dump(mode="json")


def test_a_required_text_left_blank_stays_for_the_rules_to_report() -> None:
    draft = sample_draft()
    draft.content["procedure"][0]["title"]["ar"] = ""
    assert content_form.to_content(draft).procedure[0].title == {"en": "Register arrival", "ar": ""}


def test_a_malformed_field_is_a_problem_with_its_pointer() -> None:
    draft = sample_draft()
    draft.content["procedure"][0]["actor"] = ""
    draft.content["procedure"][1]["steps"][0]["id"] = "S 2"
    with pytest.raises(ValidationFailed) as raised:
        content_form.to_content(draft)
    assert [e["pointer"] for e in raised.value.errors] == [
        "#/content/procedure/0/actor",
        "#/content/procedure/1/steps/0/id",
    ]


def test_every_field_and_group_has_an_id() -> None:
    ids = field_ids(sample_draft())
    for expected in (
        "title",
        "title-ar",
        "content-purpose-en",
        "content-definitions",
        "content-definitions-0",
        "content-definitions-0-term-ar",
        "content-references-0-citation",
        "content-responsibilities-0-ministry",
        "content-procedure",
        "content-procedure-0",
        "content-procedure-0-supporting",
        "content-procedure-0-inputs",
        "content-procedure-0-inputs-0-ar",
        "content-procedure-1-steps-0-time_limit-en",
        "content-records-0-kept_by",
        "required_ministries",
        "change_summary",
    ):
        assert expected in ids
    assert "content-procedure-0-supporting-0" not in ids
    assert "content-procedure-1-steps" not in ids
    assert "content" not in ids


@pytest.mark.parametrize(
    ("pointer", "field"),
    [
        ("#/content/procedure/1/steps/0/title/ar", "content-procedure-1-steps-0-title-ar"),
        ("#/content/procedure/0/supporting/1", "content-procedure-0-supporting"),
        ("#/content/procedure/1/steps/0/steps", "content-procedure-1-steps-0"),
        ("#/required_ministries/2", "required_ministries"),
        ("#/content/procedure", "content-procedure"),
        ("#/title/en", "title-en"),
        ("#/languages", "title"),
        ("#/", "title"),
    ],
)
def test_a_problem_points_at_its_field_or_the_nearest_group(pointer: str, field: str) -> None:
    parts = content_form.pointer_parts(pointer)
    assert nearest(field_id(*parts), field_ids(sample_draft())) == field


def test_pointer_parts_are_unescaped() -> None:
    assert content_form.pointer_parts("#/a~1b/c~0d") == ["a/b", "c~d"]
    assert content_form.pointer_parts("") == []


def test_the_base_text_goes_through_the_form_unchanged() -> None:
    value = {"title": loc("Return", "العودة"), "content": sample_content()}
    encoded = content_form.encode(value)
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    assert content_form.decode(encoded) == value
    for forged in ("", "not base64!", "AAAA", "e30", "\u0661"):
        assert content_form.decode(forged) is None
