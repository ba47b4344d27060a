"""The version state machine: states, triggers, their guards, and the one place state changes.

Defined once, as data, and built once with ``transitions`` (``model=None``): a request
wraps the loaded version, fires one trigger through ``fire``, and that is the only place
a version's state changes. ``MachineError`` becomes ``InvalidTransition`` (409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from transitions import Machine, MachineError

from sopengine.errors import Conflict, InvalidTransition


class State(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    ENDORSED = "endorsed"
    APPLIED = "applied"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


FROZEN_STATES = frozenset(State) - {State.DRAFT}
OPEN_STATES = frozenset({State.DRAFT, State.IN_REVIEW})
"""While a version is in one of these, no other version of the SOP may be opened."""


@dataclass(frozen=True)
class Facts:
    """What guards and the rule book (``permissions``) look at, taken from loaded rows.

    Version rules read the version's fields; other rules only what they concern.
    """

    state: str | None = None
    lead_ministry: str | None = None
    required_ministries: frozenset[str] = frozenset()
    submitted_by_id: int | None = None
    all_approved: bool = False
    newer_in_force: int | None = None
    """The number of a newer version of the SOP that is or was applied, if any."""
    open_version: int | None = None
    """Another version of the SOP still in draft or review (it blocks a revision)."""
    open_state: str | None = None
    ministry: str | None = None
    """The ministry a sign-off or a webhook is for."""
    author_id: int | None = None
    """The author of the comment concerned."""
    official_id: int | None = None
    """The official whose own settings (e-mail address, notice preferences) are concerned."""


Guard = Callable[[Facts], str | None]


def _no_newer_version_in_force(facts: Facts) -> str | None:
    if facts.newer_in_force is None:
        return None
    return f"version {facts.newer_in_force} is newer and has already been applied"


def _all_required_approved(facts: Facts) -> str | None:
    return None if facts.all_approved else "not every required ministry has approved this text"


@dataclass(frozen=True)
class Trigger:
    name: str
    sources: tuple[State, ...]
    dest: State
    guards: tuple[Guard, ...] = ()
    internal: str | None = None
    """For triggers fired by the service itself, in the transaction of their cause: when."""


TRIGGERS: tuple[Trigger, ...] = (
    Trigger("submit", (State.DRAFT,), State.IN_REVIEW),
    Trigger("recall", (State.IN_REVIEW,), State.DRAFT),
    Trigger(
        "endorse",
        (State.IN_REVIEW,),
        State.ENDORSED,
        guards=(_all_required_approved,),
        internal="the service, with the last required approval on the current hash",
    ),
    Trigger("apply", (State.ENDORSED,), State.APPLIED, guards=(_no_newer_version_in_force,)),
    Trigger(
        "supersede",
        (State.APPLIED,),
        State.SUPERSEDED,
        internal="the service, when a newer version of the SOP is applied",
    ),
    Trigger(
        "withdraw",
        (State.DRAFT, State.IN_REVIEW, State.ENDORSED, State.APPLIED),
        State.WITHDRAWN,
    ),
)

BY_NAME = {t.name: t for t in TRIGGERS}
PUBLIC_ACTIONS = tuple(t.name for t in TRIGGERS if not t.internal)

MACHINE = Machine(
    model=None,
    states=[s.value for s in State],
    transitions=[
        {"trigger": t.name, "source": [s.value for s in t.sources], "dest": t.dest.value}
        for t in TRIGGERS
    ],
    initial=State.DRAFT.value,
    auto_transitions=False,
)


class Stateful(Protocol):
    state: str


class _Subject:
    """What the machine moves: a stand-in carrying only the state, so no row is registered."""

    def __init__(self, state: str) -> None:
        self.state = state


def legal_triggers(state: str) -> list[str]:
    return [name for name in MACHINE.get_triggers(state) if name in BY_NAME]


def fire(version: Stateful, trigger: str, facts: Facts) -> State:
    """Move the version by one trigger, after its guards; the only place state changes.

    Who may fire a public trigger is the rule book's question (``permissions.authorize``),
    asked by the service before it fires.
    """
    rule = BY_NAME[trigger]
    facts = replace(facts, state=version.state)
    if trigger not in legal_triggers(version.state):
        raise InvalidTransition(
            f"cannot {trigger} a version in state {version.state!r}",
            state=version.state,
            allowed_actions=[],
        )
    for guard in rule.guards:
        problem = guard(facts)
        if problem:
            raise Conflict(f"cannot {trigger}: {problem}", state=version.state)
    subject = _Subject(version.state)
    try:
        MACHINE.events[trigger].trigger(subject)
    except MachineError as exc:  # pragma: no cover - legality was checked above
        raise InvalidTransition(str(exc), state=version.state) from exc
    version.state = subject.state
    return State(subject.state)


def mermaid() -> str:
    """The machine as a Mermaid state diagram (it is in the README)."""
    lines = ["stateDiagram-v2", f"    [*] --> {State.DRAFT.value}"]
    for t in TRIGGERS:
        label = f"{t.name} (automatic)" if t.internal else t.name
        lines += [f"    {source.value} --> {t.dest.value}: {label}" for source in t.sources]
    lines += [f"    {State.SUPERSEDED.value} --> [*]", f"    {State.WITHDRAWN.value} --> [*]"]
    return "\n".join(lines)
