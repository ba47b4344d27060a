"""A bounded on-disk cache of rendered Word files, shared by every worker of one host.

An entry is named by a key that digests everything the bytes depend on (``render_key``):
the kind of file and its language, the whole document view except the two values that only
say *when* it was made (``exported_at``, ``audit_head``), and the renderer itself (the
source of ``sopengine.export`` and the reference template). A changed sign-off, state,
text, ministry name or renderer is a different key, so an entry is never stale and needs no
invalidation; a cached file is byte-identical to its first rendering, export time and audit
head included.

Several workers (processes) share the directory safely: an entry is written to a temporary
file and renamed into place, so a reader sees a whole file or none. When the directory
grows past its budget the least recently used entries are removed; two workers pruning at
once at worst remove an entry twice. Hosts do not share caches; each renders its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sopengine.export.view import SopDocument

VOLATILE = frozenset({"exported_at", "audit_head"})
"""Fields of the document view that say when a file was made, not what it shows."""
SUFFIX = ".docx"


def render_key(kind: str, docs: Iterable[SopDocument], **inputs: Any) -> str:
    """The cache key of one rendering.

    ``inputs`` are the other values the bytes depend on (language, a redline's author, an
    audit checkpoint…): add any new one here by name, and the key follows.
    """
    h = hashlib.sha256()
    h.update(renderer_digest().encode())
    h.update(json.dumps({"kind": kind, **inputs}, sort_keys=True, default=_plain).encode())
    for doc in docs:
        shown = {f.name: getattr(doc, f.name) for f in dataclass_fields(doc)}
        for name in VOLATILE:
            shown.pop(name, None)
        h.update(b"\0")
        h.update(json.dumps(shown, sort_keys=True, default=_plain).encode())
    return h.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: getattr(value, f.name) for f in dataclass_fields(value)}
    raise TypeError(f"{type(value).__name__} is not part of a cache key")


@lru_cache(maxsize=1)
def renderer_digest() -> str:
    """The renderer's identity: its source and the reference template (a deploy that changes
    either renders again instead of serving older layouts)."""
    from sopengine.export.docx import default_template

    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(default_template().read_bytes())
    return h.hexdigest()


@dataclass
class ExportCache:
    directory: Path
    max_bytes: int

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{SUFFIX}"

    def get(self, key: str) -> bytes | None:
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            data = path.read_bytes()
            _touch(path)  # recently used: pruned last
        except OSError:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        if not self.enabled or len(data) > self.max_bytes:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        except OSError:
            return  # a full or read-only disk costs a rendering, never a request
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(temporary, self._path(key))
            _touch(self._path(key))
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        """Remove the least recently used entries until the directory fits its budget."""
        entries = []
        for path in self.directory.glob(f"*{SUFFIX}"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def _touch(path: Path) -> None:
    # The kernel stamps files with a coarse clock (milliseconds); a precise one keeps the
    # order of uses within the same tick.
    now = time.time_ns()
    os.utime(path, ns=(now, now))
