"""webhook signing secrets sealed at rest; API tokens may expire

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 13:00:00

The signing secrets stored in plain text are sealed with the key of this environment
(``SOPENGINE_SECRET_KEY``; in development mode without one, the development key, from which
``sopengine secrets rotate`` later moves them onto a real key). In production mode without a
key the settings refuse to load, so this migration stops before changing anything. The
downgrade opens them again (it needs a key that opens them) and writes them back in plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sopengine import sealing
from sopengine.config import get_settings

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_subscriptions = sa.table(
    "webhook_subscriptions", sa.column("id", sa.Integer), sa.column("secret", sa.String)
)


def _rewrite(change: object) -> None:
    conn = op.get_bind()
    for row_id, value in conn.execute(sa.select(_subscriptions.c.id, _subscriptions.c.secret)):
        new = change(value)  # type: ignore[operator]
        if new != value:
            conn.execute(
                _subscriptions.update().where(_subscriptions.c.id == row_id).values(secret=new)
            )


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    sealer = sealing.sealer(get_settings())

    def seal(value: str) -> str:
        if value.startswith(sealing.VERSION):
            return value
        return sealing.seal_webhook_secret(sealer, value)

    _rewrite(seal)


def downgrade() -> None:
    sealer = sealing.sealer(get_settings())

    def unseal(value: str) -> str:
        if not value.startswith(sealing.VERSION):
            return value
        return sealing.open_webhook_secret(sealer, value)

    _rewrite(unseal)
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
