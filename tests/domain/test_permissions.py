"""The rule book, cell by cell, with no database.

For every state × version action × actor (each role of the lead ministry, of another
bound ministry and of an unbound one, the submitter, facilitators and admins), what
``available_actions`` advertises must be exactly what ``authorize`` (and, for triggers,
the state machine) lets through, and both must match the design, written out by hand
below rather than derived from the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from sopengine.domain import permissions
from sopengine.domain.permissions import SOP_ACTIONS, VERSION_ACTIONS, Action
from sopengine.domain.workflow import BY_NAME, Facts, fire
from sopengine.errors import Conflict, Forbidden, InvalidTransition, SopError

STATES = ("draft", "in_review", "endorsed", "applied", "superseded", "withdrawn")
LEAD, BOUND, UNBOUND = "MOMD", "MOI", "MOP"


@dataclass
class Person:
    id: int
    roles: list[str] = field(default_factory=list)
    ministry_code: str | None = None


ACTORS = {
    "facilitator": Person(1, ["facilitator"]),
    "admin": Person(2, ["admin"]),
    "drafter:lead": Person(3, ["drafter"], LEAD),
    "drafter:bound": Person(4, ["drafter"], BOUND),  # the submitter
    "drafter:unbound": Person(5, ["drafter"], UNBOUND),
    "reviewer:lead": Person(6, ["reviewer"], LEAD),
    "reviewer:bound": Person(7, ["reviewer"], BOUND),
    "reviewer:unbound": Person(8, ["reviewer"], UNBOUND),
    "signatory:lead": Person(9, ["signatory"], LEAD),
    "signatory:bound": Person(10, ["signatory"], BOUND),
    "signatory:unbound": Person(11, ["signatory"], UNBOUND),
}
SUBMITTER = ACTORS["drafter:bound"].id


def facts(state: str) -> Facts:
    return Facts(
        state=state,
        lead_ministry=LEAD,
        required_ministries=frozenset({LEAD, BOUND}),
        submitted_by_id=SUBMITTER,
    )


def _bound(who: str) -> bool:
    return who.endswith((":lead", ":bound"))


# The design (DESIGN.md §2 and §4, and the README's roles table), cell by cell.
LEGAL = {
    Action.EDIT: {"draft"},
    Action.SUBMIT: {"draft"},
    Action.RECALL: {"in_review"},
    Action.APPLY: {"endorsed"},
    Action.WITHDRAW: {"draft", "in_review", "endorsed", "applied"},
    Action.SIGNOFF: {"in_review"},
    Action.COMMENT: {"draft", "in_review"},
}
PERMITTED = {
    Action.EDIT: lambda who: who == "facilitator" or (who.startswith("drafter") and _bound(who)),
    Action.SUBMIT: lambda who: who == "facilitator" or (who.startswith("drafter") and _bound(who)),
    Action.RECALL: lambda who: who in ("facilitator", "drafter:bound"),
    Action.APPLY: lambda who: who in ("facilitator", "signatory:lead"),
    Action.WITHDRAW: lambda who: who in ("facilitator", "signatory:lead"),
    Action.SIGNOFF: lambda who: who in ("signatory:lead", "signatory:bound"),
    Action.COMMENT: lambda who: who == "facilitator" or _bound(who),
}


def enforced(action: Action, actor: Person, state: str) -> type[SopError] | None:
    """What the service's own checks answer: None when the action goes through."""
    asked = facts(state)
    if action is Action.SIGNOFF:
        asked = replace(asked, ministry=actor.ministry_code)
    try:
        permissions.authorize(action, actor, asked)
        if action.value in BY_NAME:
            fire(Row(state), action.value, asked)
    except SopError as exc:
        return type(exc)
    return None


@dataclass
class Row:
    state: str


@pytest.mark.parametrize("action", VERSION_ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_advertised_is_enforced_is_designed(state: str, action: Action) -> None:
    for who, actor in ACTORS.items():
        designed = state in LEGAL[action] and PERMITTED[action](who)
        advertised = action.value in permissions.available_actions(actor, facts(state))
        outcome = enforced(action, actor, state)
        assert advertised == (outcome is None) == designed, (who, outcome)
        if state not in LEGAL[action]:
            assert outcome is InvalidTransition, who
        elif not designed:
            assert outcome is Forbidden, who


def test_signing_for_another_ministry_is_refused() -> None:
    signatory = ACTORS["signatory:bound"]
    for_lead = replace(facts("in_review"), ministry=LEAD)
    with pytest.raises(Forbidden, match=f"only a signatory of {LEAD}"):
        permissions.authorize(Action.SIGNOFF, signatory, for_lead)


def test_refusal_in_wrong_state_names_what_the_actor_may_do() -> None:
    with pytest.raises(InvalidTransition) as info:
        permissions.authorize(Action.SUBMIT, ACTORS["signatory:lead"], facts("endorsed"))
    assert info.value.extensions == {"state": "endorsed", "allowed_actions": ["apply", "withdraw"]}


def test_internal_triggers_are_nobodys_to_fire() -> None:
    for name in ("endorse", "supersede"):
        with pytest.raises(Forbidden, match="the service"):
            permissions.authorize(name, ACTORS["facilitator"], facts("in_review"))


@pytest.mark.parametrize("is_author", [True, False])
@pytest.mark.parametrize("state", STATES)
def test_resolve_comment(state: str, is_author: bool) -> None:
    for who, actor in ACTORS.items():
        asked = replace(facts(state), author_id=actor.id if is_author else 999)
        designed = is_author or who == "facilitator" or (who.startswith("drafter") and _bound(who))
        assert permissions.may(Action.RESOLVE_COMMENT, actor, asked) == designed, who
        try:
            permissions.authorize(Action.RESOLVE_COMMENT, actor, asked)
            outcome = None
        except SopError as exc:
            outcome = type(exc)
        assert outcome is (None if designed else Forbidden), who


@pytest.mark.parametrize("open_version", [None, 2])
def test_revise(open_version: int | None) -> None:
    for who, actor in ACTORS.items():
        asked = replace(facts("applied"), open_version=open_version, open_state="draft")
        permitted = who == "facilitator" or (who.startswith("drafter") and _bound(who))
        advertised = "revise" in permissions.available_actions(actor, asked, SOP_ACTIONS)
        assert advertised == (permitted and open_version is None), who
        try:
            permissions.authorize(Action.REVISE, actor, asked)
            outcome = None
        except SopError as exc:
            outcome = exc
        if not permitted:
            assert isinstance(outcome, Forbidden), who
        elif open_version is not None:
            assert isinstance(outcome, Conflict), who
            assert outcome.extensions == {"open_version": 2}
        else:
            assert outcome is None, who


def test_create_sop_only_for_the_lead_ministry() -> None:
    asked = Facts(lead_ministry=LEAD, required_ministries=frozenset({LEAD, BOUND}))
    allowed = {who for who, a in ACTORS.items() if permissions.may(Action.CREATE_SOP, a, asked)}
    assert allowed == {"facilitator", "drafter:lead"}


def test_removing_a_required_ministry_only_by_the_lead() -> None:
    asked = facts("draft")
    allowed = {
        who
        for who, a in ACTORS.items()
        if permissions.may(Action.REMOVE_REQUIRED_MINISTRY, a, asked)
    }
    assert allowed == {"facilitator", "drafter:lead"}


def test_webhooks_of_a_ministry() -> None:
    for ministry in (LEAD, None):
        asked = Facts(ministry=ministry)
        allowed = {
            who for who, a in ACTORS.items() if permissions.may(Action.MANAGE_WEBHOOKS, a, asked)
        }
        assert allowed == ({"admin", "signatory:lead"} if ministry else {"admin"}), ministry


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (Action.READ_AUDIT, {"facilitator", "admin"}),
        (Action.MANAGE_OFFICIALS, {"admin"}),
        (Action.READ, set(ACTORS)),
        (Action.EXPORT, set(ACTORS)),
    ],
)
def test_service_wide_rules(action: Action, who: set[str]) -> None:
    assert {w for w, a in ACTORS.items() if permissions.may(action, a)} == who
    for w, a in ACTORS.items():
        if w not in who:
            with pytest.raises(Forbidden):
                permissions.authorize(action, a)


def test_every_action_has_one_rule() -> None:
    assert set(permissions.RULES) == set(Action)
