"""The content model's rules and the canonical hash (no database)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from sopengine.config import PACKAGE_ROOT
from sopengine.domain.content import (
    SopContent,
    VersionText,
    anchors,
    check_version_text,
    iter_stored_texts,
    iter_texts,
    restrict_languages,
    walk_steps,
)
from tests.helpers import MINISTRIES, sample_content

SOP_TEMPLATES = PACKAGE_ROOT / "sop_templates"


def text_of(content: dict[str, Any] | None = None, **overrides: Any) -> VersionText:
    fields: dict[str, Any] = {
        "title": {"en": "Return", "ar": "العودة"},
        "languages": ["en", "ar"],
        "primary_language": "en",
        "required_ministries": ["MFA", "MOI", "MOMD"],
        "content": SopContent.model_validate(content or sample_content()),
    }
    fields.update(overrides)
    return VersionText(**fields)


def errors_of(text: VersionText, lead: str = "MOMD") -> dict[str, str]:
    return {
        e["pointer"]: e["detail"]
        for e in check_version_text(text, lead_ministry=lead, known_ministries=MINISTRIES)
    }


def test_sample_content_is_valid() -> None:
    assert errors_of(text_of()) == {}


def test_every_localized_text_needs_every_declared_language() -> None:
    content = sample_content()
    del content["procedure"][1]["steps"][0]["title"]["ar"]
    content["scope"]["ar"] = "   "
    errors = errors_of(text_of(content))
    assert "#/content/procedure/1/steps/0/title/ar" in errors
    assert "#/content/scope/ar" in errors


def test_undeclared_language_is_refused() -> None:
    content = sample_content()
    content["purpose"]["fr"] = "Objet"
    assert "#/content/purpose/fr" in errors_of(text_of(content))


def test_single_language_version_refuses_the_other_language() -> None:
    errors = errors_of(text_of(languages=["en"], title={"en": "Return"}))
    assert "#/content/purpose/ar" in errors


def test_primary_language_must_be_declared() -> None:
    assert "#/primary_language" in errors_of(text_of(primary_language="ar", languages=["en"]))


def test_unsupported_language() -> None:
    assert "#/languages/2" in errors_of(text_of(languages=["en", "ar", "xx"]))


def test_characters_xml_cannot_carry_are_refused_with_their_code_point() -> None:
    content = sample_content()
    content["scope"]["ar"] = "نطاق\x00"
    content["references"][0]["citation"] = "Law\x1f21"
    content["purpose"]["en"] = "Tabs\tand\nnewlines and \u200f marks stay allowed"
    with pytest.raises(ValidationError) as refused:
        SopContent.model_validate(content)
    errors = {tuple(e["loc"]): e["msg"] for e in refused.value.errors()}
    assert "U+0000" in errors[("scope", "ar")]
    assert "U+001F" in errors[("references", 0, "citation")]
    assert not any(loc[0] == "purpose" for loc in errors)
    assert "#/title/en" in errors_of(text_of(title={"en": "Ret\ufffeurn", "ar": "العودة"}))


def test_unknown_ministry_codes_are_named() -> None:
    content = sample_content()
    content["procedure"][0]["supporting"] = ["MOMD", "MOX"]
    content["records"][0]["kept_by"] = "ABC"
    errors = errors_of(text_of(content))
    assert errors["#/content/procedure/0/supporting/1"] == "unknown ministry 'MOX'"
    assert "#/content/records/0/kept_by" in errors


def test_step_ids_unique_across_nesting() -> None:
    content = sample_content()
    content["procedure"][1]["steps"][0]["id"] = "S1"
    errors = errors_of(text_of(content))
    assert errors["#/content/procedure/1/steps/0/id"] == "step id 'S1' is used twice"


def test_actor_cannot_support_itself() -> None:
    content = sample_content()
    content["procedure"][0]["supporting"] = ["MOI"]
    assert "#/content/procedure/0/supporting" in errors_of(text_of(content))


def test_required_ministries_follow_the_procedure_and_lead() -> None:
    errors = errors_of(text_of(required_ministries=["MOMD"]), lead="MOP")
    detail = errors["#/required_ministries"]
    assert "missing: MFA, MOI, MOP" in detail


def test_length_limits() -> None:
    assert "#/title/en" in errors_of(text_of(title={"en": "x" * 301, "ar": "ع"}))
    content = sample_content()
    content["purpose"]["en"] = "x" * 20_001
    with pytest.raises(ValidationError):
        SopContent.model_validate(content)


def test_nesting_depth_is_limited() -> None:
    content = sample_content()
    step: dict[str, Any] = content["procedure"][1]
    for depth in range(7):
        child = {"id": f"D{depth}", "actor": "MOMD", "title": {"en": "d", "ar": "د"}}
        step["steps"] = [child]
        step = child
    assert any("nest" in d for d in errors_of(text_of(content)).values())


def test_unknown_fields_are_refused() -> None:
    content = sample_content()
    content["procedure"][0]["owner"] = "MOI"
    with pytest.raises(ValidationError):
        SopContent.model_validate(content)


def test_hash_is_canonical() -> None:
    a = text_of()
    shuffled = sample_content()
    shuffled["purpose"] = {"ar": shuffled["purpose"]["ar"], "en": shuffled["purpose"]["en"]}
    b = text_of(shuffled, required_ministries=["MOMD", "MFA", "MOI"])
    assert a.content_hash == b.content_hash
    assert len(a.content_hash) == 64


def test_hash_changes_with_every_signed_field() -> None:
    base = text_of().content_hash
    changed = sample_content()
    changed["procedure"][1]["steps"][0]["description"]["ar"] += "."
    assert text_of(changed).content_hash != base
    assert text_of(title={"en": "Return!", "ar": "العودة"}).content_hash != base
    assert text_of(required_ministries=["MFA", "MOI", "MOMD", "MOP"]).content_hash != base
    assert text_of(primary_language="ar").content_hash != base


def test_walk_numbers_nested_steps() -> None:
    content = SopContent.model_validate(sample_content())
    assert [(a.step.id, a.number, a.depth) for a in walk_steps(content.procedure)] == [
        ("S1", "1", 1),
        ("S2", "2", 1),
        ("S2.1", "2.1", 2),
    ]


def test_anchors() -> None:
    places = anchors(SopContent.model_validate(sample_content()))
    assert {
        "scope",
        "procedure/S1",
        "procedure/S2.1",
        "definitions/0",
        "responsibilities/MOMD",
    } <= places
    assert "procedure/S9" not in places


def test_restrict_languages_keeps_only_those() -> None:
    content = SopContent.model_validate(sample_content())
    english = restrict_languages(content, ["en"])
    assert english.purpose == {"en": "Coordinate dignified return."}
    assert content.purpose.keys() == {"en", "ar"}, "the original is untouched"


@pytest.mark.parametrize("name", sorted(p.stem for p in SOP_TEMPLATES.glob("*.json")))
def test_stored_texts_are_the_models_texts_in_the_same_order(name: str) -> None:
    raw = json.loads((SOP_TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))["content"]
    raw["procedure"][0]["steps"] = [
        {**raw["procedure"][1], "id": "N1", "steps": [{**raw["procedure"][2], "id": "N2"}]}
    ]
    model = SopContent.model_validate(raw)
    stored = model.model_dump(mode="json")  # as versions store it
    assert list(iter_stored_texts(stored)) == [(p, dict(t)) for p, t in iter_texts(model)]
