"""Changing the shape of an unsaved draft: steps added, removed, moved and nested, list items
added and removed. The edit page applies one operation to what was posted and shows the
form again: nothing is saved, nothing typed is lost, and no JavaScript is needed.

An operation is ``<verb>:<place>``, the place being a path in the content joined by dots:
``add:procedure`` (a step at the end), ``add:procedure.1.steps`` (a sub-step of step 2),
``add:definitions``, ``add:procedure.0.inputs``, ``remove:procedure.0.steps.1``,
``up:…`` and ``down:…`` (among its siblings), ``indent:…`` (under the previous sibling),
``outdent:…`` (after its parent). Step ids never change: a new step gets the next free
``S<n>`` (or ``<parent id>.<m>`` for a sub-step), a moved step keeps its id.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from sopengine.errors import BadRequest
from sopengine.web.content_form import (
    ITEM_CODES,
    ITEM_TEXTS,
    Draft,
    Json,
    field_id,
    localized,
    normalize_item,
    normalize_step,
    step_ids,
)

_STEP = r"procedure\.\d+(?:\.steps\.\d+)*"
_SECTIONS = "|".join(ITEM_TEXTS)
_PLACES = {
    "add": re.compile(rf"(?:procedure|{_SECTIONS})|{_STEP}\.(?:steps|inputs|outputs)"),
    "remove": re.compile(rf"(?:{_SECTIONS})\.\d+|{_STEP}|{_STEP}\.(?:inputs|outputs)\.\d+"),
    "up": re.compile(_STEP),
    "down": re.compile(_STEP),
    "indent": re.compile(_STEP),
    "outdent": re.compile(rf"{_STEP}\.steps\.\d+"),
}
VERBS = tuple(_PLACES)

Place = tuple[str | int, ...]


@dataclass(frozen=True)
class Applied:
    draft: Draft
    focus: str
    """The id of the field or group the official's attention goes to next."""


def apply(draft: Draft, op: str, *, lead: str, taken: Collection[str] = ()) -> Applied:
    """The draft with the operation applied (a copy: the given draft is left as it was).

    ``taken`` are step ids not to give a new step (e.g. those of the saved text)."""
    verb, _, where = op.partition(":")
    pattern = _PLACES.get(verb)
    if pattern is None or not pattern.fullmatch(where):
        raise BadRequest(f"unknown change {op!r}")
    place: Place = tuple(int(p) if p.isdigit() else p for p in where.split("."))
    content = copy.deepcopy(draft.content)
    if verb == "add":
        focus = _add(content, place, draft.languages, lead, {*taken, *step_ids(content)})
    else:
        container, index = _list_at(content, place[:-1]), place[-1]
        if not isinstance(index, int) or index >= len(container):
            raise BadRequest(f"nothing at {where!r}")
        focus = _MOVES[verb](content, container, place[:-1], index)
    return Applied(replace(draft, content=content), focus)


def _list_at(content: Json, place: Place) -> list[Any]:
    node: Any = content
    for part in place:
        try:
            node = node[part]
        except (IndexError, KeyError, TypeError):
            raise BadRequest("nothing at " + ".".join(map(str, place))) from None
    if not isinstance(node, list):
        raise BadRequest("not a list: " + ".".join(map(str, place)))
    return node


def _add(content: Json, place: Place, languages: list[str], lead: str, taken: set[str]) -> str:
    items = _list_at(content, place)
    new: Place = ("content", *place, len(items))
    kind = place[-1]
    if kind in ("procedure", "steps"):
        parent = _parent_step(content, place)
        actor = parent["actor"] if parent else lead
        step_id = new_step_id(parent["id"] if parent else None, taken)
        items.append(normalize_step({"id": step_id, "actor": actor}, languages))
        return field_id(*new, "title", languages[0])
    if kind in ("inputs", "outputs"):
        items.append(localized({}, languages))
        return field_id(*new, languages[0])
    assert isinstance(kind, str)
    defaults = {"kept_by": lead} if kind == "records" else {}
    items.append(normalize_item(kind, defaults, languages))
    if kind == "responsibilities":
        return field_id(*new, ITEM_CODES[kind][0])
    return field_id(*new, ITEM_TEXTS[kind][0], languages[0])


def _parent_step(content: Json, place: Place) -> Json | None:
    """The step whose ``steps`` the place is, or None for the top level."""
    if len(place) < 3:
        return None
    parent = _list_at(content, place[:-2])[place[-2]]  # type: ignore[index]
    assert isinstance(parent, dict)
    return parent


def new_step_id(parent_id: str | None, taken: Collection[str]) -> str:
    """The next free ``S<n>``, or ``<parent>.<m>`` under a parent step."""
    prefix = f"{parent_id}." if parent_id else "S"
    numbered = re.compile(re.escape(prefix) + r"(\d+)")
    used = [int(m.group(1)) for t in taken if (m := numbered.fullmatch(t))]
    return f"{prefix}{max(used, default=0) + 1}"


def _remove(content: Json, items: list[Any], where: Place, index: int) -> str:
    del items[index]
    if where[-1] == "steps":
        return field_id("content", *where[:-1])
    return field_id("content", *where)


def _up(content: Json, items: list[Any], where: Place, index: int) -> str:
    if index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
        index -= 1
    return field_id("content", *where, index)


def _down(content: Json, items: list[Any], where: Place, index: int) -> str:
    if index + 1 < len(items):
        items[index + 1], items[index] = items[index], items[index + 1]
        index += 1
    return field_id("content", *where, index)


def _indent(content: Json, items: list[Any], where: Place, index: int) -> str:
    """Under the previous sibling, as its last sub-step."""
    if index == 0:
        return field_id("content", *where, index)
    under = items[index - 1]["steps"]
    under.append(items.pop(index))
    return field_id("content", *where, index - 1, "steps", len(under) - 1)


def _outdent(content: Json, items: list[Any], where: Place, index: int) -> str:
    """Out of its parent, right after it."""
    parent_index = where[-2]
    assert isinstance(parent_index, int)
    outer = _list_at(content, where[:-2])
    outer.insert(parent_index + 1, items.pop(index))
    return field_id("content", *where[:-2], parent_index + 1)


_MOVES = {
    "remove": _remove,
    "up": _up,
    "down": _down,
    "indent": _indent,
    "outdent": _outdent,
}
