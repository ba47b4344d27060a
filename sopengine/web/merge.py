"""Combining an official's unsaved edits with what someone else saved meanwhile.

Three texts: the one the form was loaded from (base), the official's (mine) and the one now
saved (theirs). Each is taken apart into leaves (one text in one language, one ministry
ticked) keyed by stable names — steps by their id, so a moved step is still the same
step — and a shape (list lengths, the tree of step ids). Every leaf and every part of the
shape is taken from the side that changed it; where both changed the same thing in
different ways the official's stays and the clash is reported beside the field.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sopengine.web.content_form import (
    ITEM_CODES,
    ITEM_TEXTS,
    STEP_LISTS,
    STEP_TEXTS,
    Draft,
    Json,
    field_id,
    walk_steps,
)

Key = tuple[Hashable, ...]
Tree = tuple[tuple[str, "Tree"], ...]


@dataclass(frozen=True)
class Parts:
    leaves: dict[Key, Any]
    shape: dict[Key, Hashable]


@dataclass
class Merged:
    draft: Draft
    combined: bool
    """False when the texts could not be combined (e.g. a step id used twice): mine is kept."""
    clashes: dict[str, str] = field(default_factory=dict)
    """Field id → their text (or "" when it is not a text) where both changed it."""


def merge(base: Draft, mine: Draft, theirs: Draft) -> Merged:
    parts = [_take_apart(d) for d in (base, mine, theirs)]
    b, m, t = parts
    if b is None or m is None or t is None:
        return Merged(mine, combined=False)
    clashed: list[Key] = []
    shape = {
        k: _pick(k, b.shape, m.shape, t.shape, clashed) for k in _union(b.shape, m.shape, t.shape)
    }
    leaves = {
        k: _pick(k, b.leaves, m.leaves, t.leaves, clashed)
        for k in _union(b.leaves, m.leaves, t.leaves)
    }
    draft, where = _put_together(mine, shape, leaves)
    clashes: dict[str, str] = {}
    for key in clashed:
        their = t.leaves.get(key)
        clashes.setdefault(_field_for(key, where), their if isinstance(their, str) else "")
    return Merged(draft, combined=True, clashes=clashes)


def _union(*maps: Mapping[Key, Any]) -> Iterator[Key]:
    seen: set[Key] = set()
    for each in maps:
        for key in each:
            if key not in seen:
                seen.add(key)
                yield key


def _pick(
    key: Key,
    base: Mapping[Key, Any],
    mine: Mapping[Key, Any],
    theirs: Mapping[Key, Any],
    clashed: list[Key],
) -> Any:
    b, m, t = base.get(key), mine.get(key), theirs.get(key)
    if m == b:
        return t
    if t not in (b, m):
        clashed.append(key)
    return m


# --- taking a text apart -------------------------------------------------------------------


def _take_apart(draft: Draft) -> Parts | None:
    content = draft.content
    ids = [step["id"] for step in walk_steps(content["procedure"])]
    if len(set(ids)) != len(ids):
        return None
    leaves: dict[Key, Any] = {("change_summary",): draft.change_summary}
    shape: dict[Key, Hashable] = {}
    leaves.update(_texts(("title",), draft.title))
    leaves.update({("required_ministries", code): True for code in draft.required_ministries})
    for section in ("purpose", "scope"):
        leaves.update(_texts(("content", section), content[section]))
    for section, names in ITEM_TEXTS.items():
        shape[("content", section)] = len(content[section])
        for i, item in enumerate(content[section]):
            for name in names:
                leaves.update(_texts(("content", section, i, name), item[name]))
            for name in ITEM_CODES.get(section, ()):
                leaves[("content", section, i, name)] = item[name]
    shape[("content", "procedure")] = _tree(content["procedure"])
    for step in walk_steps(content["procedure"]):
        at: Key = ("step", step["id"])
        leaves[(*at, "actor")] = step["actor"]
        leaves.update({(*at, "supporting", code): True for code in step["supporting"]})
        for name in STEP_TEXTS:
            leaves.update(_texts((*at, name), step[name]))
        for name in STEP_LISTS:
            shape[(*at, name)] = len(step[name])
            for j, text in enumerate(step[name]):
                leaves.update(_texts((*at, name, j), text))
    return Parts(leaves, shape)


def _texts(key: Key, text: Mapping[str, str]) -> dict[Key, str]:
    return {(*key, lang): value for lang, value in text.items()}


def _tree(steps: list[Json]) -> Tree:
    return tuple((step["id"], _tree(step["steps"])) for step in steps)


# --- putting it together again -------------------------------------------------------------


def _put_together(
    like: Draft, shape: Mapping[Key, Any], leaves: Mapping[Key, Any]
) -> tuple[Draft, dict[str, tuple[str | int, ...]]]:
    langs = like.languages

    def text(*key: Hashable) -> dict[str, str]:
        return {lang: leaves.get((*key, lang)) or "" for lang in langs}

    ticks: dict[Key, list[str]] = {}
    for key, value in leaves.items():
        if value is True:  # a ministry ticked; texts are strings
            ticks.setdefault(key[:-1], []).append(str(key[-1]))

    def ticked(*key: Hashable) -> list[str]:
        return ticks.get(key, [])

    content: Json = {section: text("content", section) for section in ("purpose", "scope")}
    for section, names in ITEM_TEXTS.items():
        content[section] = [
            {
                **{name: text("content", section, i, name) for name in names},
                **{
                    n: leaves.get(("content", section, i, n)) or ""
                    for n in ITEM_CODES.get(section, ())
                },
            }
            for i in range(shape.get(("content", section)) or 0)
        ]
    where: dict[str, tuple[str | int, ...]] = {}

    def steps(tree: Tree, path: tuple[str | int, ...]) -> list[Json]:
        built = []
        for i, (step_id, children) in enumerate(tree):
            at = ("step", step_id)
            where[step_id] = (*path, i)
            built.append(
                {
                    "id": step_id,
                    "actor": leaves.get((*at, "actor")) or "",
                    "supporting": ticked(*at, "supporting"),
                    **{name: text(*at, name) for name in STEP_TEXTS},
                    **{
                        name: [text(*at, name, j) for j in range(shape.get((*at, name)) or 0)]
                        for name in STEP_LISTS
                    },
                    "steps": steps(children, (*path, i, "steps")),
                }
            )
        return built

    content["procedure"] = steps(
        shape.get(("content", "procedure")) or (), ("content", "procedure")
    )
    order = [c for c in like.required_ministries if leaves.get(("required_ministries", c))]
    required = order + [c for c in ticked("required_ministries") if c not in order]
    draft = replace(
        like,
        title=text("title"),
        required_ministries=required,
        content=content,
        change_summary=leaves.get(("change_summary",)) or "",
    )
    return draft, where


def _field_for(key: Key, where: Mapping[str, tuple[str | int, ...]]) -> str:
    """The id of the field a leaf is shown in, in the combined text (a tick never clashes:
    one side alone can change it)."""
    if key[0] == "step":
        path = where.get(str(key[1]))
        if path is None:  # a step they removed
            return "content-procedure"
        return field_id(*path, *(str(k) for k in key[2:]))
    return field_id(*(str(k) for k in key))
