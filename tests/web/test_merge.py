"""Combining an official's unsaved edits with a save made meanwhile by someone else."""

from __future__ import annotations

import copy

from sopengine.web.content_form import Draft, draft_of
from sopengine.web.content_ops import apply
from sopengine.web.merge import merge
from tests.helpers import loc, sample_content


def base() -> Draft:
    return draft_of(["en", "ar"], loc("Return", "العودة"), ["MFA", "MOI", "MOMD"], sample_content())


def edited(draft: Draft, *ops: str) -> Draft:
    copied = copy.deepcopy(draft)
    for op in ops:
        copied = apply(copied, op, lead="MOMD").draft
    return copied


def test_edits_of_different_fields_are_combined() -> None:
    mine, theirs = base(), base()
    mine.content["purpose"]["en"] = "Mine"
    mine.required_ministries.append("MOP")
    theirs.content["procedure"][1]["steps"][0]["title"]["ar"] = "عنوانهم"
    theirs.required_ministries.remove("MFA")
    theirs.change_summary = "Theirs"
    merged = merge(base(), mine, theirs)
    assert merged.combined and merged.clashes == {}
    content = merged.draft.content
    assert content["purpose"] == {"en": "Mine", "ar": base().content["purpose"]["ar"]}
    assert content["procedure"][1]["steps"][0]["title"]["ar"] == "عنوانهم"
    assert merged.draft.required_ministries == ["MOI", "MOMD", "MOP"]
    assert merged.draft.change_summary == "Theirs"


def test_a_step_they_moved_keeps_my_edit() -> None:
    theirs = edited(base(), "down:procedure.0")
    mine = base()
    mine.content["procedure"][0]["title"]["en"] = "Register the arrival"
    mine.content["procedure"][0]["supporting"] = ["MOMD", "MFA"]
    merged = merge(base(), mine, theirs)
    assert merged.clashes == {}
    steps = merged.draft.content["procedure"]
    assert [s["id"] for s in steps] == ["S2", "S1"]
    assert steps[1]["title"]["en"] == "Register the arrival"
    assert steps[1]["supporting"] == ["MOMD", "MFA"]


def test_structures_changed_on_both_sides_in_different_places_are_combined() -> None:
    theirs = edited(base(), "add:procedure")
    theirs.content["procedure"][2]["title"] = loc("Close", "إغلاق")
    mine = edited(base(), "add:definitions", "add:procedure.0.inputs")
    mine.content["definitions"][1]["term"] = loc("Case", "حالة")
    merged = merge(base(), mine, theirs)
    content = merged.draft.content
    assert [s["id"] for s in content["procedure"]] == ["S1", "S2", "S3"]
    assert content["procedure"][2]["title"] == loc("Close", "إغلاق")
    assert content["definitions"][1]["term"] == loc("Case", "حالة")
    assert len(content["procedure"][0]["inputs"]) == 2
    assert merged.clashes == {}


def test_when_both_change_a_field_mine_stays_and_theirs_is_reported() -> None:
    mine, theirs = base(), base()
    mine.content["scope"]["ar"] = "نطاقي"
    theirs.content["scope"]["ar"] = "نطاقهم"
    mine.content["procedure"][1]["steps"][0]["actor"] = "MOP"
    theirs.content["procedure"][1]["steps"][0]["actor"] = "MOLSA"
    merged = merge(base(), mine, theirs)
    assert merged.combined
    assert merged.draft.content["scope"]["ar"] == "نطاقي"
    assert merged.clashes == {
        "content-scope-ar": "نطاقهم",
        "content-procedure-1-steps-0-actor": "MOLSA",
    }


def test_both_reordering_the_steps_keeps_my_order() -> None:
    mine = edited(base(), "indent:procedure.1")
    theirs = edited(base(), "down:procedure.0")
    merged = merge(base(), mine, theirs)
    assert merged.draft.content["procedure"] == mine.content["procedure"]
    assert merged.clashes == {"content-procedure": ""}


def test_an_edit_to_a_step_they_removed_is_reported_where_the_step_was() -> None:
    theirs = edited(base(), "remove:procedure.1.steps.0")
    mine = base()
    mine.content["procedure"][1]["steps"][0]["title"]["en"] = "Consular follow-up, mine"
    merged = merge(base(), mine, theirs)
    assert [s["steps"] for s in merged.draft.content["procedure"]] == [[], []]
    assert merged.clashes == {"content-procedure": ""}


def test_a_step_id_used_twice_cannot_be_combined() -> None:
    mine = base()
    mine.content["procedure"][1]["id"] = "S1"
    theirs = base()
    theirs.content["purpose"]["en"] = "Theirs"
    merged = merge(base(), mine, theirs)
    assert not merged.combined
    assert merged.draft is mine
