"""Word-level text differences and the pairing of old and new items (steps by id).

Both the JSON diff and the redline renderer walk the same pairs, so what the API reports
as changed is exactly what Word shows as tracked changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Generic, Literal, TypeVar

from sopengine.domain.content import SopContent, StepAt, walk_steps

Op = Literal["equal", "insert", "delete"]
Segment = tuple[Op, str]
T = TypeVar("T")

_TOKENS = re.compile(r"\s+|[\w\u064b-\u065f\u0670\u0640]+|[^\w\s]")


@dataclass(frozen=True)
class Pair(Generic[T]):
    """An item in the old and the new version; one side is None when added or removed."""

    old: T | None
    new: T | None

    @property
    def change(self) -> Op | None:
        if self.old is None:
            return "insert"
        if self.new is None:
            return "delete"
        return None

    @property
    def current(self) -> T:
        value = self.new if self.new is not None else self.old
        assert value is not None
        return value

    def map(self, get: Callable[[T], Any]) -> Pair[Any]:
        """The pair of something read from both sides (None on a side that is missing)."""
        new = get(self.new) if self.new is not None else None
        if self.old is self.new:  # a plain export: keep "unchanged" cheap to recognise
            return Pair(new, new)
        return Pair(get(self.old) if self.old is not None else None, new)

    def attr(self, name: str) -> Pair[Any]:
        return self.map(lambda item: getattr(item, name))


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """Word-by-word differences as ``[op, text]`` segments; adjacent equal ops merged."""
    if old == new:
        return [("equal", new)] if new else []
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(str.isspace, a, b, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(segments, "equal", "".join(b[j1:j2]))
            continue
        if i2 > i1:
            _push(segments, "delete", "".join(a[i1:i2]))
        if j2 > j1:
            _push(segments, "insert", "".join(b[j1:j2]))
    return segments


def _push(segments: list[Segment], op: Op, text: str) -> None:
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def text_segments(old: str | None, new: str | None) -> list[Segment]:
    """Segments of a text that may exist on one side only."""
    if old is None:
        return [("insert", new)] if new else []
    if new is None:
        return [("delete", old)] if old else []
    return word_diff(old, new)


def canonical_key(item: Any) -> str:
    if hasattr(item, "model_dump"):
        item = item.model_dump(mode="json")
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def pair_list(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable] = canonical_key
) -> list[Pair[T]]:
    """Align two lists: equal keys pair up, replaced runs pair by position, the rest is one-sided."""
    matcher = SequenceMatcher(None, [key(x) for x in old], [key(x) for x in new], autojunk=False)
    pairs: list[Pair[T]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        common = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        pairs.extend(Pair(old[i1 + k], new[j1 + k]) for k in range(common))
        pairs.extend(Pair(old[i], None) for i in range(i1 + common, i2))
        pairs.extend(Pair(None, new[j]) for j in range(j1 + common, j2))
    return pairs


def same_pairs(items: Sequence[T]) -> list[Pair[T]]:
    """The pairs of a plain export: every item against itself."""
    return [Pair(item, item) for item in items]


def pair_steps(old: SopContent, new: SopContent) -> list[Pair[StepAt]]:
    """Steps in new document order, paired by their stable id.

    A step that exists only in the old version appears where it used to be (after the step
    that preceded it); a step that moved is paired at its new place.
    """
    old_steps = list(walk_steps(old.procedure))
    new_steps = list(walk_steps(new.procedure))
    old_by_id = {at.step.id: at for at in old_steps}
    new_ids = {at.step.id for at in new_steps}
    matcher = SequenceMatcher(
        None, [at.step.id for at in old_steps], [at.step.id for at in new_steps], autojunk=False
    )
    pairs: list[Pair[StepAt]] = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs.extend(Pair(at, None) for at in old_steps[i1:i2] if at.step.id not in new_ids)
        pairs.extend(Pair(old_by_id.get(at.step.id), at) for at in new_steps[j1:j2])
    return pairs


def item_key(section: str) -> Callable[[Any], Hashable]:
    """How items of a list section are matched between versions (responsibilities by ministry)."""
    if section == "responsibilities":
        return lambda item: item.ministry
    return canonical_key
