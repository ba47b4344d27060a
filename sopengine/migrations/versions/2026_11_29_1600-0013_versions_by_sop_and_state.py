"""versions by SOP and state: an index on sop_versions (sop_id, state)

The list's filters ask, per SOP, whether it has a version in a given state (``state=``,
``awaiting=``, ``review_due_before=``, the applied version of each listed SOP). With only
the single-column state index, SQLite's planner walked every version in that state for
each SOP (0.5-0.9 s a page at 10,000 SOPs); this index answers each question in one probe.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_sop_versions_sop_id_state", "sop_versions", ["sop_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_sop_versions_sop_id_state", table_name="sop_versions")
