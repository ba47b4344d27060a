"""What changed between two versions: a JSON diff, and a Word redline with tracked changes.

Both walk the same pairs (``diffing``): steps matched by their stable id, list items by
content, texts compared word by word. The redline is the normal renderer run over those
pairs, so every difference becomes a ``w:ins``/``w:del`` revision Word can accept or reject.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sopengine.domain.content import SECTIONS, StepAt
from sopengine.export import ooxml
from sopengine.export.diffing import Pair, item_key, pair_list, pair_steps, text_segments
from sopengine.export.docx import compose
from sopengine.export.view import SopDocument

STEP_FIELDS = ("title", "description", "actor", "supporting", "inputs", "outputs", "time_limit")


def render_redline(
    old: SopDocument,
    new: SopDocument,
    lang: Literal["en", "ar"],
    author: str,
    when: datetime,
    template: Path | None = None,
) -> bytes:
    """Version ``new`` in Word with every difference from ``old`` as a tracked change."""
    return compose(new, lang, template=template, old=old, revisions=ooxml.Revisions(author, when))


def structured_diff(old: SopDocument, new: SopDocument) -> dict[str, Any]:
    """A JSON-able description of the differences from ``old`` to ``new``."""
    texts = [_text_entry(path, lang, a, b) for path, lang, a, b in _changed_texts(old, new)]
    steps = _step_changes(old, new)
    sections: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
    for name in SECTIONS:
        a = _dump(getattr(old.content, name))
        b = _dump(getattr(new.content, name))
        if a != b:
            kind = "added" if not a else "removed" if not b else "changed"
            sections[kind].append(name)
    ministries = _list_changes(old.required_ministries, new.required_ministries)
    languages = _list_changes(old.languages, new.languages)
    changed = bool(
        texts
        or any(sections.values())
        or any(ministries.values())
        or any(languages.values())
        or any(steps.values())
    )
    return {
        "sop": new.code,
        "from": _side(old),
        "to": _side(new),
        "changed": changed,
        "title": [t for t in texts if t["path"] == "title"],
        "languages": languages,
        "required_ministries": ministries,
        "sections": sections,
        "steps": steps,
        "texts": texts,
    }


def _side(doc: SopDocument) -> dict[str, Any]:
    return {"version": doc.number, "state": doc.state, "content_hash": doc.content_hash}


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _list_changes(old: list[str], new: list[str]) -> dict[str, list[str]]:
    return {"added": [x for x in new if x not in old], "removed": [x for x in old if x not in new]}


def _text_entry(path: str, lang: str | None, old: str | None, new: str | None) -> dict[str, Any]:
    return {
        "path": path,
        "lang": lang,
        "old": old,
        "new": new,
        "diff": [[op, text] for op, text in text_segments(old, new)],
    }


def _step_summary(at: StepAt, lang: str) -> dict[str, Any]:
    return {"id": at.step.id, "number": at.number, "title": at.step.title.get(lang)}


def _step_changes(old: SopDocument, new: SopDocument) -> dict[str, list[dict[str, Any]]]:
    lang = new.primary_language
    out: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for pair in pair_steps(old.content, new.content):
        if pair.old is None:
            out["added"].append(_step_summary(pair.current, lang))
        elif pair.new is None:
            out["removed"].append(_step_summary(pair.current, lang))
        else:
            fields = [
                f
                for f in STEP_FIELDS
                if _dump(getattr(pair.old.step, f)) != _dump(getattr(pair.new.step, f))
            ]
            moved = pair.old.number != pair.new.number
            if fields or moved:
                entry = _step_summary(pair.new, lang)
                entry.update(old_number=pair.old.number, fields=fields, moved=moved)
                out["changed"].append(entry)
    return out


def _changed_texts(
    old: SopDocument, new: SopDocument
) -> Iterator[tuple[str, str | None, str | None, str | None]]:
    """(path, language, old text, new text) for every text that differs."""
    langs = list(dict.fromkeys([*new.languages, *old.languages]))

    def localized(
        path: str, pair: Pair[Any]
    ) -> Iterator[tuple[str, str | None, str | None, str | None]]:
        for lang in langs:
            a = pair.old.get(lang) if pair.old is not None else None
            b = pair.new.get(lang) if pair.new is not None else None
            if a != b:
                yield path, lang, a, b

    yield from localized("title", Pair(old.title, new.title))
    a, b = old.content, new.content
    for name in ("purpose", "scope"):
        yield from localized(f"content/{name}", Pair(getattr(a, name), getattr(b, name)))
    lists = {
        "definitions": ("term", "definition"),
        "references": ("title",),
        "responsibilities": ("duties",),
        "records": ("name", "retention"),
        "annexes": ("title", "body"),
    }
    for section, fields in lists.items():
        pairs = pair_list(getattr(a, section), getattr(b, section), item_key(section))
        for index, pair in enumerate(pairs):
            where = pair.current.ministry if section == "responsibilities" else index
            for name in fields:
                yield from localized(f"content/{section}/{where}/{name}", pair.attr(name))
            if section == "references":
                cite = pair.attr("citation")
                if cite.old != cite.new:
                    yield f"content/references/{where}/citation", None, cite.old, cite.new
    for pair in pair_steps(a, b):
        step = pair.attr("step")
        base = f"content/procedure/{pair.current.step.id}"
        for name in ("title", "description", "time_limit"):
            yield from localized(f"{base}/{name}", step.attr(name))
        for name in ("inputs", "outputs"):
            items = step.attr(name)
            for j, item in enumerate(pair_list(items.old or [], items.new or [])):
                yield from localized(f"{base}/{name}/{j}", item)
