"""The rule book: who may do what, and when, in one place.

Every check the service makes ("may this official sign for MOI now?") and every button a
page or ``available_actions`` offers is answered here, from the actor and the facts of the
thing acted on. Each rule is written once, with the sentence a refusal gives. The state
machine (``workflow``) says which triggers are legal in which state; this module adds who
may fire them and the rules for everything that is not a trigger.

Order of answers, the same for every action: not legal in this state → 409 naming the
state and what the actor may do now; not this actor → 403 with the rule's sentence; a
guard that fails (e.g. another version is still open) → 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from sopengine.domain import workflow
from sopengine.domain.roles import MINISTRY_ROLES, Role
from sopengine.domain.workflow import Facts, State
from sopengine.errors import Conflict, Forbidden, InvalidTransition


class Actor(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def roles(self) -> Sequence[str]: ...
    @property
    def ministry_code(self) -> str | None: ...


@dataclass(frozen=True)
class Identity:
    """An official as the rule book sees them (an :class:`Actor`), and their kind: what a
    representation for them depends on, without the official's record."""

    id: int
    roles: tuple[str, ...]
    ministry_code: str | None
    kind: str


class Action(StrEnum):
    # On a version; the first ones are what ``available_actions`` may list, in this order.
    EDIT = "edit"
    SUBMIT = "submit"
    RECALL = "recall"
    APPLY = "apply"
    WITHDRAW = "withdraw"
    SIGNOFF = "signoff"
    COMMENT = "comment"
    # On an SOP, a comment, or the service as a whole.
    READ = "read"
    EXPORT = "export"
    REVISE = "revise"
    CREATE_SOP = "create_sop"
    REMOVE_REQUIRED_MINISTRY = "remove_required_ministry"
    RESOLVE_COMMENT = "resolve_comment"
    READ_AUDIT = "read_audit"
    MANAGE_WEBHOOKS = "manage_webhooks"
    MANAGE_OFFICIALS = "manage_officials"
    READ_NOTICES = "read_notices"
    MANAGE_NOTICE_SETTINGS = "manage_notice_settings"


VERSION_ACTIONS = (
    Action.EDIT,
    Action.SUBMIT,
    Action.RECALL,
    Action.APPLY,
    Action.WITHDRAW,
    Action.SIGNOFF,
    Action.COMMENT,
)
"""What ``available_actions`` considers for a version, in the order it lists them."""

SOP_ACTIONS = (Action.REVISE,)
"""What an SOP's ``available_actions`` considers."""

Allowed = Callable[[Actor, Facts], bool]
Guard = Callable[[Facts], str | None]


# --- who ---------------------------------------------------------------------------------


def _has(actor: Actor, *roles: str) -> bool:
    return any(role in actor.roles for role in roles)


def _anyone(actor: Actor, facts: Facts) -> bool:
    return True


def _nobody(actor: Actor, facts: Facts) -> bool:
    return False


def _facilitator(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR)


def _binding_drafter_or_facilitator(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR) or (
        _has(actor, Role.DRAFTER) and actor.ministry_code in facts.required_ministries
    )


def _lead_drafter_or_facilitator(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR) or (
        _has(actor, Role.DRAFTER) and actor.ministry_code == facts.lead_ministry
    )


def _submitter_or_facilitator(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR) or actor.id == facts.submitted_by_id


def _lead_signatory_or_facilitator(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR) or (
        _has(actor, Role.SIGNATORY) and actor.ministry_code == facts.lead_ministry
    )


def _signatory_of_the_ministry(actor: Actor, facts: Facts) -> bool:
    return (
        _has(actor, Role.SIGNATORY)
        and facts.ministry is not None
        and actor.ministry_code == facts.ministry
        and facts.ministry in facts.required_ministries
    )


def _bound_official_or_facilitator(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR) or (
        _has(actor, *MINISTRY_ROLES) and actor.ministry_code in facts.required_ministries
    )


def _author_binding_drafter_or_facilitator(actor: Actor, facts: Facts) -> bool:
    return actor.id == facts.author_id or _binding_drafter_or_facilitator(actor, facts)


def _auditor(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.FACILITATOR, Role.ADMIN)


def _admin(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.ADMIN)


def _the_official_or_admin(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.ADMIN) or (
        facts.official_id is not None and actor.id == facts.official_id
    )


def _admin_or_the_ministrys_signatory(actor: Actor, facts: Facts) -> bool:
    return _has(actor, Role.ADMIN) or (
        _has(actor, Role.SIGNATORY)
        and facts.ministry is not None
        and actor.ministry_code == facts.ministry
    )


# --- guards (checked after who) ------------------------------------------------------------


def _no_open_version(facts: Facts) -> str | None:
    if facts.open_version is None:
        return None
    return (
        f"version {facts.open_version} is still {facts.open_state}; "
        "finish or withdraw it before revising"
    )


# --- the rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    action: Action
    allowed: Allowed
    refusal: str
    """The 403 answer's sentence."""
    states: frozenset[State] | None = None
    """Where the action is legal at all (409 elsewhere); None: not tied to a state."""
    guards: tuple[Guard, ...] = ()
    conflict_extra: Callable[[Facts], dict[str, object]] | None = None
    """Fields a failed guard's 409 carries (e.g. the open version's number)."""


def _trigger_rule(action: Action, allowed: Allowed, who: str) -> Rule:
    trigger = workflow.BY_NAME[action.value]
    return Rule(
        action,
        allowed,
        f"{action.value} may be done only by {who}",
        states=frozenset(trigger.sources),
        guards=trigger.guards,
    )


RULES: dict[Action, Rule] = {
    rule.action: rule
    for rule in (
        Rule(Action.READ, _anyone, "every signed-in official may read SOPs"),
        Rule(Action.EXPORT, _anyone, "every signed-in official may export SOPs"),
        Rule(
            Action.EDIT,
            _binding_drafter_or_facilitator,
            "only facilitators, or drafters of a ministry this version binds, may edit it",
            states=frozenset({State.DRAFT}),
        ),
        _trigger_rule(
            Action.SUBMIT,
            _binding_drafter_or_facilitator,
            "a drafter of a ministry the version binds, or a facilitator",
        ),
        _trigger_rule(
            Action.RECALL,
            _submitter_or_facilitator,
            "the official who submitted it, or a facilitator",
        ),
        _trigger_rule(
            Action.APPLY,
            _lead_signatory_or_facilitator,
            "a facilitator or the lead ministry's signatory",
        ),
        _trigger_rule(
            Action.WITHDRAW,
            _lead_signatory_or_facilitator,
            "a facilitator or the lead ministry's signatory",
        ),
        Rule(
            Action.SIGNOFF,
            _signatory_of_the_ministry,
            "only a signatory of {ministry} may decide on its behalf",
            states=frozenset({State.IN_REVIEW}),
        ),
        Rule(
            Action.COMMENT,
            _bound_official_or_facilitator,
            "comments are written by facilitators and by officials of a ministry the version binds",
            states=workflow.OPEN_STATES,
        ),
        Rule(
            Action.RESOLVE_COMMENT,
            _author_binding_drafter_or_facilitator,
            "a comment is resolved by its author, a drafter of the SOP or a facilitator",
        ),
        Rule(
            Action.REVISE,
            _binding_drafter_or_facilitator,
            "only facilitators, or drafters of a ministry the SOP binds, may revise it",
            guards=(_no_open_version,),
            conflict_extra=lambda facts: {"open_version": facts.open_version},
        ),
        Rule(
            Action.CREATE_SOP,
            _lead_drafter_or_facilitator,
            "only facilitators, or drafters of the lead ministry, may create an SOP",
        ),
        Rule(
            Action.REMOVE_REQUIRED_MINISTRY,
            _lead_drafter_or_facilitator,
            "only facilitators, or drafters of the lead ministry, may remove a ministry "
            "from the ministries required to sign",
        ),
        Rule(
            Action.READ_AUDIT,
            _auditor,
            "the audit log is read by facilitators and admins",
        ),
        Rule(
            Action.MANAGE_WEBHOOKS,
            _admin_or_the_ministrys_signatory,
            "webhooks are managed by admins, and by signatories for their own ministry",
        ),
        Rule(
            Action.MANAGE_OFFICIALS,
            _admin,
            "officials and their tokens are managed by admins",
        ),
        Rule(
            Action.READ_NOTICES,
            _admin,
            "e-mail notices are listed for admins",
        ),
        Rule(
            Action.MANAGE_NOTICE_SETTINGS,
            _the_official_or_admin,
            "an official's e-mail address and notice preferences are set by that official "
            "or by an admin",
        ),
    )
}

_INTERNAL_TRIGGERS = {t.name: t for t in workflow.TRIGGERS if t.internal}


def _check_complete() -> None:
    missing = [a for a in Action if a not in RULES]
    if missing:  # pragma: no cover - caught at import by every test
        raise RuntimeError(f"actions without a rule: {missing}")
    untied = [t for t in workflow.PUBLIC_ACTIONS if Action(t) not in RULES]
    if untied:  # pragma: no cover
        raise RuntimeError(f"public triggers without a rule: {untied}")


_check_complete()


# --- asking ----------------------------------------------------------------------------------


def _legal(rule: Rule, facts: Facts) -> bool:
    return rule.states is None or facts.state in rule.states


def _first_guard_problem(rule: Rule, facts: Facts) -> str | None:
    for guard in rule.guards:
        problem = guard(facts)
        if problem:
            return problem
    return None


def may(action: Action | str, actor: Actor, facts: Facts = Facts()) -> bool:
    """Whether ``authorize`` would let the actor do this now (no exception)."""
    rule = RULES[Action(action)]
    return (
        _legal(rule, facts)
        and rule.allowed(actor, facts)
        and _first_guard_problem(rule, facts) is None
    )


def authorize(action: Action | str, actor: Actor, facts: Facts = Facts()) -> None:
    """Raise the answer a refused action gets: 409 when not now, 403 when not this actor."""
    name = str(action)
    if name in _INTERNAL_TRIGGERS:
        raise Forbidden(f"{name} may be done only by {_INTERNAL_TRIGGERS[name].internal}")
    rule = RULES[Action(name)]
    if not _legal(rule, facts):
        # As the design says: a 409 names the state and the triggers the actor may fire now.
        allowed = [a for a in available_actions(actor, facts) if a in workflow.PUBLIC_ACTIONS]
        raise InvalidTransition(
            f"cannot {name} a version in state {facts.state!r}; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            state=facts.state,
            allowed_actions=allowed,
        )
    if not rule.allowed(actor, facts):
        raise Forbidden(rule.refusal.format(ministry=facts.ministry))
    problem = _first_guard_problem(rule, facts)
    if problem:
        extra = rule.conflict_extra(facts) if rule.conflict_extra else {"state": facts.state}
        raise Conflict(f"cannot {name}: {problem}", **extra)


def available_actions(
    actor: Actor, facts: Facts, actions: Iterable[Action] = VERSION_ACTIONS
) -> list[str]:
    """What the actor may do now: exactly what ``authorize`` would let through.

    A sign-off is offered for the actor's own ministry.
    """
    own = replace(facts, ministry=actor.ministry_code) if facts.ministry is None else facts
    return [action.value for action in actions if may(action, actor, own)]
