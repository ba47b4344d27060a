"""Backing up and restoring an SQLite database with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the service keeps
serving (readers and writers wait for each step only briefly). PostgreSQL has its own
tools, ``pg_dump`` and ``pg_restore``: see the README's "Backups and restore".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from sopengine.errors import BadRequest

_PAGES_PER_STEP = 1024


def _sqlite_file(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        plain = url.set(drivername="postgresql").render_as_string(hide_password=True)
        raise BadRequest(
            "sopengine db backup/restore handle SQLite; for PostgreSQL use "
            f"pg_dump --format=custom --file FILE '{plain}' and pg_restore (see the README)"
        )
    if not url.database or url.database == ":memory:":
        raise BadRequest("the database is in memory: there is nothing on disk to back up")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    with target:
        source.backup(target, pages=_PAGES_PER_STEP)


def _has_schema(path: Path) -> bool:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
    return found is not None


def backup(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the live database to ``target`` (which must not exist)."""
    source_path = _sqlite_file(database_url)
    if not source_path.is_file():
        raise BadRequest(f"no database at {source_path}")
    if target.exists():
        raise BadRequest(f"{target} exists; a backup never overwrites a file")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(partial)
    try:
        _copy(source, copy)
        # A single self-contained file: no -wal or -shm beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BadRequest("the copy failed SQLite's integrity check")
    finally:
        copy.close()
        source.close()
    partial.replace(target)
    return target


def restore(database_url: str, source: Path, *, replace: bool = False) -> Path:
    """Copy the backup ``source`` into the configured database.

    Refuses to overwrite a database that already holds sopengine's schema unless
    ``replace``: restoring is for an empty place or a deliberate roll back.
    """
    target_path = _sqlite_file(database_url)
    if not source.is_file():
        raise BadRequest(f"no backup at {source}")
    if not _has_schema(source):
        raise BadRequest(f"{source} is not a sopengine database (it has no schema revision)")
    if target_path.is_file() and _has_schema(target_path) and not replace:
        raise BadRequest(
            f"{target_path} already holds a sopengine database; stop the service and pass "
            "--replace to overwrite it with the backup"
        )
    target_path.parent.mkdir(parents=True, exist_ok=True)
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(target_path)
    try:
        _copy(backup_db, live)
    finally:
        live.close()
        backup_db.close()
    return target_path
