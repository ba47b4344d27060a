"""initial schema: ministries, officials and tokens, SOPs and versions, audit events

Revision ID: 0001
Revises:
Create Date: 2026-11-29 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ministries",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("name_ar", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_ministries")),
    )
    op.create_table(
        "officials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("ministry_code", sa.String(16), nullable=True),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["ministry_code"],
            ["ministries.code"],
            name=op.f("fk_officials_ministry_code_ministries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officials")),
        sa.UniqueConstraint("email", name=op.f("uq_officials_email")),
    )
    op.create_index(op.f("ix_officials_ministry_code"), "officials", ["ministry_code"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["officials.id"],
            name=op.f("fk_api_tokens_official_id_officials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_official_id"), "api_tokens", ["official_id"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        _timestamp("occurred_at"),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("sop_code", sa.String(40), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["officials.id"], name=op.f("fk_audit_events_actor_id_officials")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")),
    )
    op.create_index(op.f("ix_audit_events_sop_code"), "audit_events", ["sop_code"])
    op.create_table(
        "sops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("thematic_area", sa.String(40), nullable=False),
        sa.Column("lead_ministry_code", sa.String(16), nullable=False),
        _timestamp("created_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["officials.id"], name=op.f("fk_sops_created_by_id_officials")
        ),
        sa.ForeignKeyConstraint(
            ["lead_ministry_code"],
            ["ministries.code"],
            name=op.f("fk_sops_lead_ministry_code_ministries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sops")),
        sa.UniqueConstraint("code", name=op.f("uq_sops_code")),
    )
    op.create_index(op.f("ix_sops_lead_ministry_code"), "sops", ["lead_ministry_code"])
    op.create_index(op.f("ix_sops_thematic_area"), "sops", ["thematic_area"])
    op.create_table(
        "sop_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sop_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.Column("primary_language", sa.String(8), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("change_summary", sa.Text(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["officials.id"],
            name=op.f("fk_sop_versions_created_by_id_officials"),
        ),
        sa.ForeignKeyConstraint(
            ["sop_id"], ["sops.id"], name=op.f("fk_sop_versions_sop_id_sops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_versions")),
        sa.UniqueConstraint("sop_id", "number", name=op.f("uq_sop_versions_sop_id_number")),
    )
    op.create_index(op.f("ix_sop_versions_state"), "sop_versions", ["state"])
    op.create_table(
        "sop_version_ministries",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ministry_code", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["ministry_code"],
            ["ministries.code"],
            name=op.f("fk_sop_version_ministries_ministry_code_ministries"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_sop_version_ministries_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "version_id", "ministry_code", name=op.f("pk_sop_version_ministries")
        ),
    )
    op.create_index(
        op.f("ix_sop_version_ministries_ministry_code"), "sop_version_ministries", ["ministry_code"]
    )


def downgrade() -> None:
    op.drop_table("sop_version_ministries")
    op.drop_table("sop_versions")
    op.drop_table("sops")
    op.drop_table("audit_events")
    op.drop_table("api_tokens")
    op.drop_table("officials")
    op.drop_table("ministries")
