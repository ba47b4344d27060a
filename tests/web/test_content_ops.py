"""Changing the shape of an unsaved draft: steps and list items, with stable step ids."""

from __future__ import annotations

import copy

import pytest

from sopengine.errors import BadRequest
from sopengine.web.content_form import Draft, draft_of
from sopengine.web.content_ops import apply, new_step_id
from tests.helpers import loc, sample_content

LANGS = ["en", "ar"]


def draft() -> Draft:
    return draft_of(LANGS, loc("Return", "العودة"), ["MFA", "MOI", "MOMD"], sample_content())


def tree(d: Draft) -> list[object]:
    def shape(steps: list[dict]) -> list[object]:
        return [(s["id"], shape(s["steps"])) if s["steps"] else s["id"] for s in steps]

    return shape(d.content["procedure"])


def run(d: Draft, *ops: str, taken: tuple[str, ...] = ()) -> tuple[Draft, str]:
    focus = ""
    for op in ops:
        done = apply(d, op, lead="MOMD", taken=taken)
        d, focus = done.draft, done.focus
    return d, focus


def test_a_new_step_takes_the_next_free_id_and_the_leads_name() -> None:
    d, focus = run(draft(), "add:procedure")
    assert tree(d) == ["S1", ("S2", ["S2.1"]), "S3"]
    new = d.content["procedure"][2]
    assert new["actor"] == "MOMD"
    assert new["title"] == {"en": "", "ar": ""}
    assert new["steps"] == [] and new["inputs"] == []
    assert focus == "content-procedure-2-title-en"


def test_ids_of_the_saved_text_are_not_given_again() -> None:
    d, _ = run(draft(), "add:procedure", taken=("S7",))
    assert d.content["procedure"][2]["id"] == "S8"


def test_a_sub_step_is_numbered_under_its_parent_and_does_its_work() -> None:
    d, focus = run(draft(), "add:procedure.1.steps", "add:procedure.0.steps")
    assert tree(d) == [("S1", ["S1.1"]), ("S2", ["S2.1", "S2.2"])]
    assert d.content["procedure"][1]["steps"][1]["actor"] == "MOMD"
    assert d.content["procedure"][0]["steps"][0]["actor"] == "MOI"
    assert focus == "content-procedure-0-steps-0-title-en"


@pytest.mark.parametrize(
    ("parent", "taken", "expected"),
    [
        (None, [], "S1"),
        (None, ["S1", "S2.4", "S10", "X3"], "S11"),
        ("S2", ["S2", "S2.1", "S2.3", "S2.3.1"], "S2.4"),
        ("", ["S1"], "S2"),
        ("A.b", ["A.b"], "A.b.1"),
    ],
)
def test_new_step_ids(parent: str | None, taken: list[str], expected: str) -> None:
    assert new_step_id(parent, taken) == expected


def test_steps_move_among_their_siblings_keeping_their_ids() -> None:
    d, focus = run(draft(), "down:procedure.0")
    assert tree(d) == [("S2", ["S2.1"]), "S1"]
    assert focus == "content-procedure-1"
    d, focus = run(d, "up:procedure.1")
    assert tree(d) == ["S1", ("S2", ["S2.1"])]
    assert focus == "content-procedure-0"
    same, focus = run(d, "up:procedure.0", "down:procedure.1")
    assert tree(same) == tree(d)
    assert focus == "content-procedure-1"


def test_a_step_nests_under_the_one_above_and_comes_out_after_its_parent() -> None:
    d, focus = run(draft(), "indent:procedure.1")
    assert tree(d) == [("S1", [("S2", ["S2.1"])])]
    assert focus == "content-procedure-0-steps-0"
    d, focus = run(d, "outdent:procedure.0.steps.0.steps.0")
    assert tree(d) == [("S1", ["S2", "S2.1"])]
    assert focus == "content-procedure-0-steps-1"
    d, focus = run(d, "outdent:procedure.0.steps.0")
    assert tree(d) == [("S1", ["S2.1"]), "S2"]
    assert focus == "content-procedure-1"
    first, focus = run(d, "indent:procedure.0")
    assert tree(first) == tree(d)
    assert focus == "content-procedure-0"


def test_removing_a_step_takes_its_sub_steps() -> None:
    d, focus = run(draft(), "remove:procedure.1")
    assert tree(d) == ["S1"]
    assert focus == "content-procedure"
    d, focus = run(draft(), "remove:procedure.1.steps.0")
    assert tree(d) == ["S1", "S2"]
    assert focus == "content-procedure-1"


def test_list_items_are_added_and_removed() -> None:
    d, focus = run(draft(), "add:definitions")
    assert d.content["definitions"][1] == {"term": loc("", ""), "definition": loc("", "")}
    assert focus == "content-definitions-1-term-en"
    d, focus = run(d, "add:references")
    assert d.content["references"][1]["citation"] == ""
    d, focus = run(d, "add:responsibilities")
    assert d.content["responsibilities"][1]["ministry"] == ""
    assert focus == "content-responsibilities-1-ministry"
    d, _ = run(d, "add:records", "add:annexes")
    assert d.content["records"][1]["kept_by"] == "MOMD"
    assert d.content["annexes"][1] == {"title": loc("", ""), "body": loc("", "")}
    d, focus = run(d, "add:procedure.1.steps.0.outputs")
    assert d.content["procedure"][1]["steps"][0]["outputs"] == [loc("", "")]
    assert focus == "content-procedure-1-steps-0-outputs-0-en"
    d, focus = run(d, "remove:procedure.0.inputs.0", "remove:definitions.0")
    assert d.content["procedure"][0]["inputs"] == []
    assert d.content["definitions"] == [{"term": loc("", ""), "definition": loc("", "")}]
    assert focus == "content-definitions"


def test_the_given_draft_is_left_as_it_was() -> None:
    given = draft()
    before = copy.deepcopy(given.content)
    run(given, "add:procedure", "remove:procedure.0", "indent:procedure.1")
    assert given.content == before


@pytest.mark.parametrize(
    "op",
    [
        "save",
        "add:nowhere",
        "add:procedure.0",
        "add:purpose",
        "remove:procedure.9",
        "remove:procedure.0.steps.3",
        "remove:definitions",
        "up:definitions.0",
        "outdent:procedure.0",
        "indent:procedure.x",
        "add:procedure.5.steps",
        "remove:procedure.0.inputs.7",
    ],
)
def test_unknown_changes_are_refused(op: str) -> None:
    with pytest.raises(BadRequest):
        apply(draft(), op, lead="MOMD")
