from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from sopengine.config import PROJECT_ROOT
from sopengine.domain.workflow import MACHINE, TRIGGERS, Facts, fire, legal_triggers, mermaid
from sopengine.errors import Conflict, InvalidTransition


@dataclass
class Row:
    state: str


FACTS = Facts(state="in_review", lead_ministry="MOMD", required_ministries=frozenset({"MOMD"}))


def test_machine_is_built_once_without_models() -> None:
    assert MACHINE.models == []
    row = Row("draft")
    fire(row, "submit", FACTS)
    assert row.state == "in_review"
    assert MACHINE.models == []


def test_endorse_only_when_all_approved() -> None:
    row = Row("in_review")
    with pytest.raises(Conflict):
        fire(row, "endorse", FACTS)
    assert row.state == "in_review"
    fire(row, "endorse", replace(FACTS, all_approved=True))
    assert row.state == "endorsed"


def test_apply_refused_over_a_newer_version_in_force() -> None:
    row = Row("endorsed")
    with pytest.raises(Conflict, match="version 3 is newer"):
        fire(row, "apply", replace(FACTS, newer_in_force=3))
    assert row.state == "endorsed"


def test_illegal_trigger_is_refused_and_changes_nothing() -> None:
    row = Row("applied")
    with pytest.raises(InvalidTransition) as info:
        fire(row, "submit", FACTS)
    assert info.value.extensions["state"] == "applied"
    assert row.state == "applied"


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: t.name)
def test_each_trigger_is_legal_exactly_in_its_sources(trigger) -> None:
    for state in ("draft", "in_review", "endorsed", "applied", "superseded", "withdrawn"):
        assert (trigger.name in legal_triggers(state)) == (state in trigger.sources), state


def test_readme_shows_the_current_diagram() -> None:
    readme = Path(PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in readme
