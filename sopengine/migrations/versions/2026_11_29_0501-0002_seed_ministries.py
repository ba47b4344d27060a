"""seed the five ministries of the core group

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:01:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ministries = sa.table(
    "ministries",
    sa.column("code", sa.String),
    sa.column("name_en", sa.String),
    sa.column("name_ar", sa.String),
)

SEED = [
    {"code": "MFA", "name_en": "Ministry of Foreign Affairs", "name_ar": "وزارة الخارجية"},
    {"code": "MOI", "name_en": "Ministry of Interior", "name_ar": "وزارة الداخلية"},
    {
        "code": "MOMD",
        "name_en": "Ministry of Migration and Displaced",
        "name_ar": "وزارة الهجرة والمهجرين",
    },
    {
        "code": "MOLSA",
        "name_en": "Ministry of Labour and Social Affairs",
        "name_ar": "وزارة العمل والشؤون الاجتماعية",
    },
    {"code": "MOP", "name_en": "Ministry of Planning", "name_ar": "وزارة التخطيط"},
]


def upgrade() -> None:
    op.bulk_insert(ministries, SEED)


def downgrade() -> None:
    op.execute(ministries.delete().where(ministries.c.code.in_([m["code"] for m in SEED])))
