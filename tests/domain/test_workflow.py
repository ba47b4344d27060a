from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sopengine.config import PROJECT_ROOT
from sopengine.domain.workflow import MACHINE, VersionFacts, available_actions, fire, mermaid
from sopengine.errors import Conflict, Forbidden, InvalidTransition


@dataclass
class Row:
    state: str


@dataclass
class Person:
    id: int
    roles: list[str] = field(default_factory=list)
    ministry_code: str | None = None


FACTS = VersionFacts(
    state="in_review", lead_ministry="MOMD", required_ministries=frozenset({"MOMD", "MOI"})
)


def test_machine_is_built_once_without_models() -> None:
    assert MACHINE.models == []
    fire(Row("draft"), "submit", Person(1, ["facilitator"]), FACTS)
    assert MACHINE.models == []


def test_endorse_only_by_the_service_and_only_when_all_approved() -> None:
    row = Row("in_review")
    with pytest.raises(Forbidden):
        fire(row, "endorse", Person(1, ["facilitator"]), FACTS)
    with pytest.raises(Conflict):
        fire(row, "endorse", None, FACTS)
    fire(row, "endorse", None, VersionFacts(**{**FACTS.__dict__, "all_approved": True}))
    assert row.state == "endorsed"


def test_illegal_trigger_names_state_and_allowed_actions() -> None:
    with pytest.raises(InvalidTransition) as info:
        fire(Row("applied"), "submit", Person(1, ["facilitator"]), FACTS)
    assert info.value.extensions == {"state": "applied", "allowed_actions": ["withdraw"]}


def test_available_actions_for_signatories() -> None:
    lead = Person(2, ["signatory"], "MOMD")
    other = Person(3, ["signatory"], "MOI")
    assert available_actions(lead, VersionFacts(**{**FACTS.__dict__, "state": "endorsed"})) == [
        "apply",
        "withdraw",
    ]
    assert available_actions(other, VersionFacts(**{**FACTS.__dict__, "state": "endorsed"})) == []


def test_readme_shows_the_current_diagram() -> None:
    readme = Path(PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in readme
