"""Names the pages show for the service's codes, marked for translation (``N_``)."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel extracts
    """Marks a string for the catalog; it is translated where it is shown."""
    return message


STATES = {
    "draft": N_("Draft"),
    "in_review": N_("In review"),
    "endorsed": N_("Endorsed"),
    "applied": N_("Applied"),
    "superseded": N_("Superseded"),
    "withdrawn": N_("Withdrawn"),
}

POSITIONS = {
    "pending": N_("Pending"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "overdue": N_("Overdue"),
}

ACTIONS = {
    "edit": N_("Edit the draft"),
    "submit": N_("Submit for review"),
    "recall": N_("Recall to draft"),
    "apply": N_("Apply"),
    "withdraw": N_("Withdraw"),
    "signoff": N_("Sign for my ministry"),
    "comment": N_("Comment"),
    "revise": N_("Start a new version"),
}

THEMATIC_AREAS = {
    "return_reintegration": N_("Return and reintegration"),
    "irregular_migration": N_("Irregular migration, trafficking and smuggling"),
    "migration_development": N_("Migration and development"),
    "border_management": N_("Border management and security"),
    "asylum_refugees": N_("Asylum and refugees"),
    "labour_migration": N_("Labour migration"),
    "whole_of_government": N_("Whole-of-government approach"),
}

SECTIONS = {
    "purpose": N_("Purpose"),
    "scope": N_("Scope"),
    "definitions": N_("Definitions"),
    "references": N_("Legal and policy basis"),
    "responsibilities": N_("Roles and responsibilities"),
    "procedure": N_("Procedure"),
    "raci": N_("RACI matrix"),
    "records": N_("Records and forms"),
    "annexes": N_("Annexes"),
}

ROLES = {
    "drafter": N_("Drafter"),
    "reviewer": N_("Reviewer"),
    "signatory": N_("Signatory"),
    "facilitator": N_("Facilitator"),
    "admin": N_("Admin"),
}

LANGUAGE_NAMES = {"en": N_("English"), "ar": N_("Arabic")}

NOTICE_KINDS = {
    "signoff.requested": N_("A text awaits my ministry's decision"),
    "signoff.deadline": N_("My ministry's decision is due soon or overdue"),
    "version.rejected": N_("A version was rejected"),
    "version.endorsed": N_("A version was endorsed"),
    "version.applied": N_("A version was applied"),
    "version.withdrawn": N_("A version was withdrawn"),
    "comment.created": N_("A new comment, or a reply to mine"),
    "review.due": N_("A periodic review is due"),
}

NOTICE_MODES = {
    "immediately": N_("Immediately"),
    "digest": N_("In one summary a day"),
    "off": N_("Off"),
}
