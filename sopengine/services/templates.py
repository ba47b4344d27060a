"""SOP templates: JSON files in ``sop_templates/`` that pre-fill a new SOP."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sopengine.domain.content import SopContent
from sopengine.errors import NotFound

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Template:
    name: str
    thematic_area: str
    title: dict[str, str]
    description: dict[str, str]
    lead_ministry: str
    languages: list[str]
    primary_language: str
    required_ministries: list[str]
    content: SopContent


def list_templates(directory: Path) -> list[Template]:
    return [_load(path) for path in sorted(directory.glob("*.json"))]


def get_template(directory: Path, name: str) -> Template:
    # Names come from a URL: only a plain name that is in the listing is ever opened.
    if not _NAME.match(name):
        raise NotFound(f"no template named {name!r}")
    path = directory / f"{name}.json"
    if path not in set(directory.glob("*.json")):
        raise NotFound(f"no template named {name!r}")
    return _load(path)


def _load(path: Path) -> Template:
    stat = path.stat()
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_cached(path: Path, _mtime_ns: int, _size: int) -> Template:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return Template(
        name=path.stem,
        thematic_area=raw["thematic_area"],
        title=raw["title"],
        description=raw["description"],
        lead_ministry=raw["lead_ministry"],
        languages=raw["languages"],
        primary_language=raw["primary_language"],
        required_ministries=raw["required_ministries"],
        content=SopContent.model_validate(raw["content"]),
    )
