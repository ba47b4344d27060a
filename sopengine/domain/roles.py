"""Roles, and the rule tying roles to ministries."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum


class Role(StrEnum):
    DRAFTER = "drafter"
    REVIEWER = "reviewer"
    SIGNATORY = "signatory"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


MINISTRY_ROLES = frozenset({Role.DRAFTER, Role.REVIEWER, Role.SIGNATORY})
"""Roles held on behalf of a ministry: the official must belong to one."""

CENTRAL_ROLES = frozenset({Role.FACILITATOR, Role.ADMIN})
"""Roles of the facilitating organisation and the operators: no ministry."""


def role_ministry_problem(roles: Collection[str], ministry: str | None) -> str | None:
    """Why this combination of roles and ministry is not allowed, or None."""
    if not roles:
        return "at least one role is required"
    has_ministry_role = any(r in MINISTRY_ROLES for r in roles)
    has_central_role = any(r in CENTRAL_ROLES for r in roles)
    if has_ministry_role and has_central_role:
        return (
            "ministry roles (drafter, reviewer, signatory) and facilitator/admin cannot be combined"
        )
    if has_ministry_role and ministry is None:
        return "drafters, reviewers and signatories must belong to a ministry"
    if has_central_role and ministry is not None:
        return "facilitators and admins belong to no ministry"
    return None


class Kind(StrEnum):
    PERSON = "person"
    """Signs in with a password; its tokens are its own, issued after signing in."""
    SYSTEM = "system"
    """A ministry's system: API tokens issued by an admin, never a password."""
