"""export register: every Word file handed out, by its text fingerprint

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 05:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("text_fingerprint", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["exported_by_id"],
            ["officials.id"],
            name=op.f("fk_export_records_exported_by_id_officials"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_export_records_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_records")),
    )
    op.create_index(op.f("ix_export_records_version_id"), "export_records", ["version_id"])
    op.create_index(
        op.f("ix_export_records_text_fingerprint"), "export_records", ["text_fingerprint"]
    )


def downgrade() -> None:
    op.drop_table("export_records")
