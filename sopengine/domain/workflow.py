"""The version state machine: states, triggers, who may fire each, and its guards.

Defined once, as data, and built once with ``transitions`` (``model=None``): a request
wraps the loaded version, fires one trigger through ``fire``, and that is the only place
a version's state changes. ``MachineError`` becomes ``InvalidTransition`` (409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from transitions import Machine, MachineError

from sopengine.domain.roles import Role
from sopengine.errors import Conflict, Forbidden, InvalidTransition


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


class Actor(Protocol):
    id: int
    roles: list[str]
    ministry_code: str | None


@dataclass(frozen=True)
class VersionFacts:
    """What permissions and guards look at, taken from the loaded version."""

    state: str
    lead_ministry: str
    required_ministries: frozenset[str]
    submitted_by_id: int | None = None
    all_approved: bool = False
    newer_in_force: int | None = None
    """The number of a newer version of the SOP that is or was applied, if any."""


Permission = Callable[[Actor, VersionFacts], bool]
Guard = Callable[[VersionFacts], str | None]


def _facilitator(actor: Actor) -> bool:
    return Role.FACILITATOR in actor.roles


def _binding_drafter_or_facilitator(actor: Actor, facts: VersionFacts) -> bool:
    return _facilitator(actor) or (
        Role.DRAFTER in actor.roles and actor.ministry_code in facts.required_ministries
    )


def _submitter_or_facilitator(actor: Actor, facts: VersionFacts) -> bool:
    return _facilitator(actor) or actor.id == facts.submitted_by_id


def _lead_signatory_or_facilitator(actor: Actor, facts: VersionFacts) -> bool:
    return _facilitator(actor) or (
        Role.SIGNATORY in actor.roles and actor.ministry_code == facts.lead_ministry
    )


def _nobody(actor: Actor, facts: VersionFacts) -> bool:
    return False


def _no_newer_version_in_force(facts: VersionFacts) -> str | None:
    if facts.newer_in_force is None:
        return None
    return f"version {facts.newer_in_force} is newer and has already been applied"


def _all_required_approved(facts: VersionFacts) -> str | None:
    return None if facts.all_approved else "not every required ministry has approved this text"


@dataclass(frozen=True)
class Trigger:
    name: str
    sources: tuple[State, ...]
    dest: State
    who: str
    allowed: Permission
    guards: tuple[Guard, ...] = ()
    internal: bool = field(default=False)
    """Fired by the service itself in the same transaction as its cause, never by a caller."""


TRIGGERS: tuple[Trigger, ...] = (
    Trigger("submit", (State.DRAFT,), State.IN_REVIEW,
            "a drafter of a ministry the version binds, or a facilitator",
            _binding_drafter_or_facilitator),
    Trigger("recall", (State.IN_REVIEW,), State.DRAFT,
            "the official who submitted it, or a facilitator", _submitter_or_facilitator),
    Trigger("endorse", (State.IN_REVIEW,), State.ENDORSED,
            "the service, with the last required approval on the current hash", _nobody,
            guards=(_all_required_approved,), internal=True),
    Trigger("apply", (State.ENDORSED,), State.APPLIED,
            "a facilitator or the lead ministry's signatory", _lead_signatory_or_facilitator,
            guards=(_no_newer_version_in_force,)),
    Trigger("supersede", (State.APPLIED,), State.SUPERSEDED,
            "the service, when a newer version of the SOP is applied", _nobody, internal=True),
    Trigger("withdraw", (State.DRAFT, State.IN_REVIEW, State.ENDORSED, State.APPLIED),
            State.WITHDRAWN, "a facilitator or the lead ministry's signatory",
            _lead_signatory_or_facilitator),
)  # fmt: skip

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


def available_actions(actor: Actor, facts: VersionFacts) -> list[str]:
    """Public actions the actor may take on the version now."""
    return [
        name
        for name in legal_triggers(facts.state)
        if not BY_NAME[name].internal and BY_NAME[name].allowed(actor, facts)
    ]


def fire(version: Stateful, trigger: str, actor: Actor | None, facts: VersionFacts) -> State:
    """Check legality, permission and guards, then move the version. ``actor=None`` is the service."""
    rule = BY_NAME[trigger]
    facts = replace(facts, state=version.state)
    if trigger not in legal_triggers(version.state):
        allowed = available_actions(actor, facts) if actor is not None else []
        raise InvalidTransition(
            f"cannot {trigger} a version in state {version.state!r}; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            state=version.state,
            allowed_actions=allowed,
        )
    if actor is not None and (rule.internal or not rule.allowed(actor, facts)):
        raise Forbidden(f"{trigger} may be done only by {rule.who}")
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
