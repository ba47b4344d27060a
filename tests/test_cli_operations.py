"""The operations commands in process: db upgrade/backup/restore, the schema check, the
metrics directory (the subprocess tests show the same from outside)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sopengine import cli
from sopengine.config import Settings, get_settings
from sopengine.db.session import make_engine
from sopengine.observability import MULTIPROCESS_DIR_ENV


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    monkeypatch.setenv("SOPENGINE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_backup_and_restore(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["db", "upgrade"]) == 0
    backup = tmp_path / "copy.db"
    assert cli.main(["db", "backup", str(backup)]) == 0
    assert "backed up" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.partial"))
    assert cli.main(["db", "backup", str(backup)]) == 2  # never over an existing file

    monkeypatch.setenv("SOPENGINE_DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'fresh.db'}")
    get_settings.cache_clear()
    assert cli.main(["db", "restore", str(backup)]) == 0
    assert cli.main(["db", "restore", str(backup)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert cli.main(["db", "restore", "--replace", str(backup)]) == 0
    assert cli.main(["audit", "verify"]) == 0


def test_the_schema_must_be_at_head_to_serve_without_upgrading(database: str) -> None:
    with pytest.raises(SystemExit, match="run sopengine db upgrade"):
        cli.require_schema_at_head()
    cli.upgrade_database()
    cli.require_schema_at_head()
    engine = make_engine(Settings(database_url=database))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    engine.dispose()
    for check in (cli.require_schema_at_head, cli.upgrade_database):
        with pytest.raises(SystemExit, match="revision zzzz, which this sopengine"):
            check()


def test_the_metrics_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR_ENV, raising=False)
    assert cli._metrics_directory(1) is None
    assert MULTIPROCESS_DIR_ENV not in os.environ
    made = cli._metrics_directory(2)
    assert made is not None and os.environ[MULTIPROCESS_DIR_ENV] == made and Path(made).is_dir()
    Path(made).rmdir()
    given = tmp_path / "given"
    given.mkdir()
    (given / "counter_1.db").write_bytes(b"")
    monkeypatch.setenv(MULTIPROCESS_DIR_ENV, str(given))
    assert cli._metrics_directory(4) is None
    assert list(given.iterdir()) == []
