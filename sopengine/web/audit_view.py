"""The audit log as people read it: actions named in words, details as labelled values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sopengine.db.models import AuditEvent
from sopengine.domain.audit_chain import ChainReport
from sopengine.web import labels
from sopengine.web.labels import N_

ACTIONS = {
    "sop.created": N_("SOP created"),
    "version.created": N_("New version started"),
    "version.edited": N_("Draft edited"),
    "version.exported": N_("Exported to Word"),
    "version.submit": N_("Submitted for review"),
    "version.recall": N_("Recalled to draft"),
    "version.endorse": N_("Endorsed"),
    "version.apply": N_("Applied"),
    "version.supersede": N_("Superseded"),
    "version.withdraw": N_("Withdrawn"),
    "signoff.recorded": N_("Sign-off recorded"),
    "comment.created": N_("Comment written"),
    "comment.resolved": N_("Comment resolved"),
    "comment.reopened": N_("Comment reopened"),
    "official.created": N_("Official created"),
    "official.activated": N_("Official reactivated"),
    "official.deactivated": N_("Official deactivated"),
    "invitation.issued": N_("Invitation link issued"),
    "invitation.accepted": N_("Invitation accepted"),
    "token.issued": N_("API token issued"),
    "token.revoked": N_("API tokens revoked"),
    "signin.succeeded": N_("Signed in"),
    "signin.failed": N_("Failed sign-in"),
    "signin.locked": N_("Sign-in locked"),
    "signout": N_("Signed out"),
    "signout.everywhere": N_("Signed out everywhere"),
    "password.changed": N_("Password changed"),
    "password.change_failed": N_("Failed password change"),
    "signature.password_failed": N_("Wrong password when signing"),
    "webhook.created": N_("Webhook created"),
    "webhook.deleted": N_("Webhook deleted"),
    "webhook.redeliver": N_("Webhook delivery repeated"),
    "review.due": N_("Periodic review due"),
}

DETAILS = {
    "official_id": N_("Official"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "roles": N_("Roles"),
    "ministry": N_("Ministry"),
    "lead_ministry": N_("Lead ministry"),
    "from": N_("From"),
    "to": N_("To"),
    "decision": N_("Decision"),
    "content_hash": N_("Content hash"),
    "from_hash": N_("Content hash before"),
    "to_hash": N_("Content hash after"),
    "text_fingerprint": N_("Text fingerprint"),
    "review_round": N_("Review round"),
    "respond_by": N_("Answer by"),
    "method": N_("Method"),
    "reason": N_("Reason"),
    "address": N_("Network address"),
    "email": N_("E-mail address"),
    "sessions": N_("Sessions"),
    "sessions_ended": N_("Sessions ended"),
    "tokens": N_("Tokens revoked"),
    "token_id": N_("Token"),
    "label": N_("Label"),
    "reset": N_("Password reset"),
    "expires_at": N_("Expires"),
    "language": N_("Language"),
    "base_version": N_("Compared with version"),
    "from_version": N_("From version"),
    "by_version": N_("By version"),
    "change_summary": N_("What changes"),
    "effective_date": N_("In force from"),
    "review_due": N_("Review due"),
    "approvals": N_("Approved by"),
    "thematic_area": N_("Thematic area"),
    "template": N_("Template"),
    "minutes": N_("Minutes"),
    "comment_id": N_("Comment"),
    "webhook_id": N_("Webhook"),
    "url": N_("Address"),
}

_HASHES = frozenset({"content_hash", "from_hash", "to_hash", "text_fingerprint"})
_STATES = frozenset({"from", "to"})
_MINISTRIES = frozenset({"ministry", "lead_ministry"})
_MINISTRY_LISTS = frozenset({"approvals", "required_ministries"})
_MOMENTS = frozenset({"expires_at"})
_DAYS = frozenset({"respond_by", "effective_date", "review_due"})
WORDS: dict[str, dict[str, str]] = {
    "kind": {
        "person": N_("Person"),
        "system": N_("System"),
        "export": N_("Export"),
        "redline": N_("Redline"),
    },
    "method": {"password": N_("Password given again"), "token": N_("A ministry system's token")},
    "thematic_area": labels.THEMATIC_AREAS,
    "language": labels.LANGUAGE_NAMES,
}
"""Keys whose values are codes with a name to show (translated where the catalog has it)."""


@dataclass(frozen=True)
class Detail:
    """One labelled value of an event; ``kind`` tells the template how to show it."""

    label: str
    """The catalog's source text, or the raw key when it has no label."""
    kind: str
    value: Any


def _kind(key: str, value: Any) -> tuple[str, Any]:
    if key in _HASHES and isinstance(value, str):
        return "hash", value
    if key == "official_id" and isinstance(value, int):
        return "official", value
    if key in _STATES and isinstance(value, str):
        return "state", value
    if key in _MINISTRIES and isinstance(value, str):
        return "ministry", value
    if key in _MINISTRY_LISTS and isinstance(value, list):
        return "ministries", value
    if key == "roles" and isinstance(value, list):
        return "roles", value
    if key in WORDS and isinstance(value, str):
        return "word", WORDS[key].get(value, value)
    if key == "decision" and isinstance(value, str):
        return "decision", value
    if key in _MOMENTS and isinstance(value, str):
        try:
            return "moment", datetime.fromisoformat(value)
        except ValueError:
            return "text", value
    if key in _DAYS and isinstance(value, str):
        try:
            return "day", datetime.fromisoformat(value).date()
        except ValueError:
            return "text", value
    if isinstance(value, bool):
        return "yes_no", value
    if isinstance(value, int | float):
        return "number", value
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return "text", ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return "text", value
    return "text", json.dumps(value, ensure_ascii=False, sort_keys=True)


def details(event: AuditEvent) -> list[Detail]:
    """The event's details that have a value, known keys first in the order of ``DETAILS``."""
    order = {key: i for i, key in enumerate(DETAILS)}
    keys = sorted(
        (k for k, v in event.details.items() if v not in (None, "", [], {})),
        key=lambda k: (order.get(k, len(order)), k),
    )
    return [
        Detail(DETAILS.get(key, key.replace("_", " ")), *_kind(key, event.details[key]))
        for key in keys
    ]


def version_url(event: AuditEvent) -> str | None:
    if event.sop_code and event.version_number:
        return f"/sops/{event.sop_code}/versions/{event.version_number}"
    if event.sop_code:
        return f"/sops/{event.sop_code}"
    return None


CHAIN_REASONS = {
    "does not link to the previous event": N_(
        "it does not link to the event before it: an event was removed, inserted or changed"
    ),
    "its content does not match its hash": N_(
        "its content does not match its hash: the event was changed after it was written"
    ),
}


def chain_reason(report: ChainReport) -> str | None:
    """The catalog's source text for why the chain breaks where it does."""
    if report.reason is None:
        return None
    if report.reason.startswith("expected event"):
        return N_("an event before it is missing (a gap in the numbering)")
    return CHAIN_REASONS.get(report.reason, report.reason)
