"""e-mail notices: notices and their attempts, preferences, sign-off reminders

Events written before this migration are marked as already derived, so upgrading does not
send a burst of old news.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notices_at", TS, nullable=True))
        batch_op.create_index(batch_op.f("ix_webhook_events_notices_at"), ["notices_at"])
    op.execute("UPDATE webhook_events SET notices_at = created_at")

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=True),
        sa.Column("sop_code", sa.String(length=40), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.Column("digest_of", sa.Date(), nullable=True),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["notices.id"],
            name=op.f("fk_notices_digest_id_notices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["webhook_events.id"],
            name=op.f("fk_notices_event_id_webhook_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["officials.id"],
            name=op.f("fk_notices_official_id_officials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notices_message_id")),
        sa.UniqueConstraint(
            "official_id", "digest_of", name=op.f("uq_notices_official_id_digest_of")
        ),
        sa.UniqueConstraint(
            "official_id", "event_id", name=op.f("uq_notices_official_id_event_id")
        ),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_due", ["status", "next_attempt_at"])
        batch_op.create_index(batch_op.f("ix_notices_official_id"), ["official_id"])
        batch_op.create_index(batch_op.f("ix_notices_digest_id"), ["digest_id"])

    op.create_table(
        "notice_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", TS, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("smtp_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_attempts_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attempts")),
    )
    with op.batch_alter_table("notice_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_attempts_notice_id"), ["notice_id"])

    op.create_table(
        "notice_preferences",
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["officials.id"],
            name=op.f("fk_notice_preferences_official_id_officials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("official_id", "kind", name=op.f("pk_notice_preferences")),
    )

    op.create_table(
        "signoff_reminders",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("ministry_code", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.String(length=40), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_signoff_reminders_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "version_id",
            "review_round",
            "ministry_code",
            "deadline",
            name=op.f("pk_signoff_reminders"),
        ),
    )


def downgrade() -> None:
    op.drop_table("signoff_reminders")
    op.drop_table("notice_preferences")
    with op.batch_alter_table("notice_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_attempts_notice_id"))
    op.drop_table("notice_attempts")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_digest_id"))
        batch_op.drop_index(batch_op.f("ix_notices_official_id"))
        batch_op.drop_index("ix_notices_due")
    op.drop_table("notices")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_notices_at"))
        batch_op.drop_column("notices_at")
