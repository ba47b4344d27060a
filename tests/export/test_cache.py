"""The export cache: keys that follow everything the bytes show, a bounded shared directory."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from sopengine.export.cache import ExportCache, render_key
from sopengine.export.view import SignoffView
from tests.export.docs import make_doc


def test_the_key_ignores_when_a_file_was_made_and_follows_what_it_shows() -> None:
    doc = make_doc()
    key = render_key("export", [doc], lang="en")
    later = dataclasses.replace(doc, exported_at=datetime(2030, 1, 1, tzinfo=UTC), audit_head="f")
    assert render_key("export", [later], lang="en") == key
    signed = dataclasses.replace(
        doc, signoffs=[*doc.signoffs[:-1], SignoffView(ministry=doc.signoffs[-1].ministry)]
    )
    changed = [
        render_key("export", [doc], lang="ar"),
        render_key("redline", [doc], lang="en"),
        render_key("export", [dataclasses.replace(doc, state="endorsed")], lang="en"),
        render_key("export", [dataclasses.replace(doc, content_hash="0" * 64)], lang="en"),
        render_key("export", [signed], lang="en"),
        render_key("export", [doc], lang="en", audit_checkpoint="seq 40"),  # a new input
    ]
    assert key not in changed and len(set(changed)) == len(changed)


def test_the_key_follows_the_text_even_when_the_content_hash_does_not() -> None:
    doc = make_doc()
    content = doc.content.model_copy(update={"purpose": {"en": "Other.", "ar": "آخر."}})
    edited = dataclasses.replace(doc, content=content)  # e.g. a row changed by SQL
    assert render_key("export", [edited], lang="en") != render_key("export", [doc], lang="en")


def test_get_put_and_a_budget_that_drops_the_least_recently_used(tmp_path: Path) -> None:
    cache = ExportCache(tmp_path / "cache", max_bytes=250)
    assert cache.get("a") is None
    cache.put("a", b"A" * 100)
    cache.put("b", b"B" * 100)
    assert cache.get("a") == b"A" * 100  # "a" is now the most recently used
    cache.put("c", b"C" * 100)
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    cache.put("huge", b"H" * 1000)  # larger than the whole budget: not kept
    assert cache.get("huge") is None
    assert not list((tmp_path / "cache").glob("*.part"))  # no half-written entries left


def test_a_zero_budget_turns_the_cache_off(tmp_path: Path) -> None:
    cache = ExportCache(tmp_path, max_bytes=0)
    cache.put("a", b"A")
    assert cache.get("a") is None and not list(tmp_path.iterdir())


def test_an_unwritable_directory_costs_a_rendering_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    cache = ExportCache(blocker / "cache", max_bytes=1000)  # a directory under a file
    cache.put("a", b"A")
    assert cache.get("a") is None
