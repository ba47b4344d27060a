"""full-text search: folded text of each SOP's latest version, GIN (PostgreSQL) / FTS5 (SQLite)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 05:30:00
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_VECTOR = (
    "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
)

# A frozen copy of sopengine.domain.search.fold, so this migration never changes meaning.
_TASHKEEL = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
)
_ALEF = str.maketrans(
    {"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627"}
)


def _fold(text: str) -> str:
    return _TASHKEEL.sub("", text).translate(_ALEF).casefold()


def _strings(value: Any) -> Iterator[str]:
    """Every human text in a content document: the values of localized-text objects."""
    if isinstance(value, dict):
        if value and all(isinstance(k, str) and len(k) in (2, 3) and k.islower() for k in value):
            yield from (v for v in value.values() if isinstance(v, str))
        else:
            for key, item in value.items():
                if key not in ("id", "actor", "supporting", "ministry", "kept_by", "citation"):
                    yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def upgrade() -> None:
    op.create_table(
        "sop_search_documents",
        sa.Column("sop_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sop_id"],
            ["sops.id"],
            name=op.f("fk_sop_search_documents_sop_id_sops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sop_versions.id"],
            name=op.f("fk_sop_search_documents_version_id_sop_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sop_id", name=op.f("pk_sop_search_documents")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX fts_sop_search_documents ON sop_search_documents USING gin (({PG_VECTOR}))"
        )
    elif bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE fts_sop_search USING fts5("
            "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER fts_sop_search_ai AFTER INSERT ON sop_search_documents BEGIN "
            "INSERT INTO fts_sop_search(rowid, title, body) VALUES (new.sop_id, new.title, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER fts_sop_search_au AFTER UPDATE ON sop_search_documents BEGIN "
            "DELETE FROM fts_sop_search WHERE rowid = old.sop_id; "
            "INSERT INTO fts_sop_search(rowid, title, body) VALUES (new.sop_id, new.title, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER fts_sop_search_ad AFTER DELETE ON sop_search_documents BEGIN "
            "DELETE FROM fts_sop_search WHERE rowid = old.sop_id; END"
        )
    _backfill(bind)


def _backfill(bind: sa.Connection) -> None:
    latest = bind.execute(
        sa.text(
            "SELECT v.sop_id, v.id, v.title, v.content FROM sop_versions v "
            "WHERE v.number = (SELECT max(w.number) FROM sop_versions w WHERE w.sop_id = v.sop_id)"
        )
    ).all()
    documents = sa.table(
        "sop_search_documents",
        sa.column("sop_id", sa.Integer),
        sa.column("version_id", sa.Integer),
        sa.column("title", sa.Text),
        sa.column("body", sa.Text),
    )
    rows = []
    for sop_id, version_id, title, content in latest:
        title = json.loads(title) if isinstance(title, str) else title
        content = json.loads(content) if isinstance(content, str) else content
        rows.append(
            {
                "sop_id": sop_id,
                "version_id": version_id,
                "title": "\n".join(_fold(v) for v in title.values()),
                "body": "\n".join(_fold(s) for s in _strings(content)),
            }
        )
    if rows:
        op.bulk_insert(documents, rows)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("fts_sop_search_ai", "fts_sop_search_au", "fts_sop_search_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS fts_sop_search")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS fts_sop_search_documents")
    op.drop_table("sop_search_documents")
