"""Whether this process can serve: the database answers, its schema is this code's, and
every template it renders from loads."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db import migrate
from sopengine.export.docx import default_template
from sopengine.services.templates import list_templates
from sopengine.web.render import environment


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]
    """Each check's name and ``ok`` or what is wrong."""

    @property
    def ready(self) -> bool:
        return all(result == "ok" for result in self.checks.values())


def _database(factory: sessionmaker[Session]) -> str:
    with factory() as session:
        session.execute(text("SELECT 1"))
        state = migrate.schema_state(session.connection())
    return "ok" if state.standing is migrate.Standing.AT_HEAD else state.describe()


def _sop_templates(settings: Settings) -> str:
    if not list_templates(settings.templates_dir):
        return f"no SOP templates in {settings.templates_dir}"
    return "ok"


def _reference_docx() -> str:
    path: Path = default_template()
    with zipfile.ZipFile(path) as docx:
        docx.getinfo("word/styles.xml")
    return "ok"


def _pages() -> str:
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    return "ok"


def check(factory: sessionmaker[Session], settings: Settings) -> Readiness:
    probes: dict[str, Callable[[], str]] = {
        "database": lambda: _database(factory),
        "sop_templates": lambda: _sop_templates(settings),
        "word_template": _reference_docx,
        "page_templates": _pages,
    }
    checks = {}
    for name, probe in probes.items():
        try:
            checks[name] = probe()
        except Exception as exc:  # a probe reports what broke; it never raises
            checks[name] = f"{type(exc).__name__}: {exc}"
    return Readiness(checks)
