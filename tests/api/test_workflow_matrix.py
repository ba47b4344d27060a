"""Workflow actions over HTTP: a smoke test of the wiring.

The whole grid (every state × action × actor) is checked at domain level, with no database,
in ``tests/domain/test_permissions.py``; here each action is tried over HTTP once allowed,
once in a state where it is illegal (409) and once by an actor it is forbidden to (403), and
the advertised actions are compared with the design in every state.
"""

from __future__ import annotations

import pytest

from tests.helpers import Officials, action, bring_to, get_version

STATES = ["draft", "in_review", "endorsed", "applied", "superseded", "withdrawn"]
ACTIONS = ["submit", "recall", "apply", "withdraw"]
ACTORS = [
    "facilitator",
    "admin",
    "drafter:MOMD",
    "drafter:MFA",
    "drafter:MOP",
    "reviewer:MOMD",
    "signatory:MOMD",
    "signatory:MOI",
]

# Written out by hand from the design (not derived from the code under test).
LEGAL = {
    "submit": {"draft"},
    "recall": {"in_review"},
    "apply": {"endorsed"},
    "withdraw": {"draft", "in_review", "endorsed", "applied"},
}
PERMITTED = {
    # The sample SOP binds MFA, MOI and MOMD, and MOMD leads it; drafter:MOMD submitted it.
    "submit": {"facilitator", "drafter:MOMD", "drafter:MFA"},
    "recall": {"facilitator", "drafter:MOMD"},
    "apply": {"facilitator", "signatory:MOMD"},
    "withdraw": {"facilitator", "signatory:MOMD"},
}
DEST = {"submit": "in_review", "recall": "draft", "apply": "applied", "withdraw": "withdrawn"}
BODY = {"effective_date": "2027-03-01", "reason": "Replaced by a joint instruction"}


def person(officials: Officials, who: str):
    role, _, ministry = who.partition(":")
    found = getattr(officials, role)
    return found[ministry] if ministry else found


SMOKE = [
    # (state, action, actor): one allowed, one illegal and one forbidden cell per action.
    ("draft", "submit", "drafter:MFA"),
    ("applied", "submit", "facilitator"),
    ("draft", "submit", "drafter:MOP"),
    ("in_review", "recall", "drafter:MOMD"),
    ("draft", "recall", "facilitator"),
    ("in_review", "recall", "drafter:MFA"),
    ("endorsed", "apply", "signatory:MOMD"),
    ("superseded", "apply", "facilitator"),
    ("endorsed", "apply", "signatory:MOI"),
    ("applied", "withdraw", "facilitator"),
    ("withdrawn", "withdraw", "signatory:MOMD"),
    ("in_review", "withdraw", "admin"),
]


@pytest.mark.parametrize(("state", "name", "who"), SMOKE)
async def test_transition_smoke(
    client, officials: Officials, state: str, name: str, who: str
) -> None:
    await bring_to(client, officials, state)
    actor = person(officials, who)
    r = await action(client, actor, name, **BODY)
    after = await get_version(client, officials.facilitator)
    if state not in LEGAL[name]:
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["type"] == "/problems/invalid-transition"
        assert problem["state"] == state and state in problem["detail"]
        assert problem["allowed_actions"] == [
            a for a in ACTIONS if state in LEGAL[a] and who in PERMITTED[a]
        ]
        assert after["state"] == state
    elif who not in PERMITTED[name]:
        assert r.status_code == 403, r.text
        assert after["state"] == state
    else:
        assert r.status_code == 200, r.text
        assert r.json()["state"] == DEST[name] == after["state"]


def test_the_smoke_cells_cover_each_outcome_of_each_action() -> None:
    for name in ACTIONS:
        cells = [(state, who) for state, action_name, who in SMOKE if action_name == name]
        outcomes = {
            "illegal"
            if state not in LEGAL[name]
            else "allowed"
            if who in PERMITTED[name]
            else "forbidden"
            for state, who in cells
        }
        assert outcomes == {"allowed", "illegal", "forbidden"}, name


@pytest.mark.parametrize("state", STATES)
async def test_available_actions_match_what_is_allowed(
    client, officials: Officials, state: str
) -> None:
    await bring_to(client, officials, state)
    for who in ACTORS:
        listed = (await get_version(client, person(officials, who)))["available_actions"]
        expected = [a for a in ACTIONS if state in LEGAL[a] and who in PERMITTED[a]]
        assert [a for a in listed if a in ACTIONS] == expected, who


async def test_unknown_and_internal_actions_are_404(client, officials: Officials) -> None:
    await bring_to(client, officials, "in_review")
    for name in ("endorse", "supersede", "approve", "explode"):
        r = await action(client, officials.facilitator, name)
        assert r.status_code == 404, name
