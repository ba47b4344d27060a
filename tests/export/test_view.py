"""The document view model: building it from plain values, RACI letters, endorsement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sopengine.domain.content import SopContent, Step, VersionText, raci_letters
from sopengine.export.view import SignoffView, SopDocument
from tests.export.docs import content, loc, make_doc


def test_build_validates_content_and_fills_defaults() -> None:
    before = datetime.now(UTC)
    doc = SopDocument.build(
        code="SOP-X-1",
        thematic_area="labour_migration",
        lead_ministry="MOLSA",
        number=1,
        state="draft",
        title=loc("T", "ع"),
        languages=["en", "ar"],
        required_ministries=["MOI", "MOLSA"],
        content=content(),
    )
    assert isinstance(doc.content, SopContent)
    assert doc.primary_language == "en"
    assert (
        doc.content_hash
        == VersionText(
            title=doc.title,
            languages=doc.languages,
            primary_language="en",
            required_ministries=["MOI", "MOLSA"],
            content=doc.content,
        ).content_hash
    )
    assert doc.signoffs == [SignoffView("MOLSA"), SignoffView("MOI")]
    assert doc.binding_ministries == ["MOLSA", "MOI"]
    assert doc.ministry_name("MOI", "ar") == "MOI"  # no names given: the code
    assert doc.exported_at.tzinfo is UTC
    assert before <= doc.exported_at <= datetime.now(UTC)


def test_build_orders_signoffs_lead_first_and_keeps_given_ones() -> None:
    doc = make_doc()
    assert [s.ministry for s in doc.signoffs] == ["MOMD", "MFA", "MOI"]
    assert doc.signoffs[2].decided_at == datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
    assert doc.ministry_name("MOMD", "ar") == "وزارة الهجرة والمهجرين"
    assert doc.ministry_names(["MOI", "MFA"], "ar") == "وزارة الداخلية، وزارة الخارجية"


def test_primary_language_must_be_a_language() -> None:
    with pytest.raises(ValueError, match="primary language"):
        make_doc(languages=["en"], primary_language="ar")


@pytest.mark.parametrize(
    ("state", "endorsed"),
    [
        ("draft", False),
        ("in_review", False),
        ("endorsed", True),
        ("applied", True),
        ("superseded", True),
        ("withdrawn", False),
    ],
)
def test_is_endorsed(state: str, endorsed: bool) -> None:
    assert make_doc(state=state).is_endorsed is endorsed


@pytest.mark.parametrize(
    ("actor", "supporting", "expected"),
    [
        ("MOI", ["MOMD"], {"MOMD": "A/C", "MOI": "R", "MFA": "I"}),
        ("MOMD", [], {"MOMD": "A/R", "MOI": "I", "MFA": "I"}),
        ("MFA", ["MOI"], {"MOMD": "A", "MOI": "C", "MFA": "R"}),
    ],
)
def test_raci_letters(actor: str, supporting: list[str], expected: dict[str, str]) -> None:
    step = Step(id="S1", actor=actor, supporting=supporting, title=loc("t", "ع"))
    assert raci_letters(step, "MOMD", ["MOMD", "MOI", "MFA"]) == expected
