"""A version's content as pages show it: sections in order, numbered steps, RACI, comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sopengine.db.models import Comment, SopVersion
from sopengine.domain.content import SopContent, StepAt, raci_letters, walk_steps


@dataclass
class Thread:
    comment: Comment
    replies: list[Thread] = field(default_factory=list)


@dataclass(frozen=True)
class Reading:
    content: SopContent
    steps: list[StepAt]
    raci: list[tuple[StepAt, dict[str, str]]]
    columns: list[str]
    threads: dict[str, list[Thread]]
    """Comment threads by anchor (``purpose``, ``procedure/S3`` …)."""

    @property
    def numbers(self) -> dict[str, str]:
        """Each step's number (1, 1.1 …) by its id."""
        return {at.step.id: at.number for at in self.steps}

    def on(self, anchor: str) -> list[Thread]:
        return self.threads.get(anchor, [])

    def count(self, anchor: str) -> int:
        def size(threads: list[Thread]) -> int:
            return sum(1 + size(t.replies) for t in threads)

        return size(self.on(anchor))


def reading(version: SopVersion, comments: list[Comment]) -> Reading:
    content = SopContent.model_validate(version.content)
    steps = list(walk_steps(content.procedure))
    lead = version.sop.lead_ministry_code
    columns = [lead, *[m for m in version.required_ministries if m != lead]]
    return Reading(
        content=content,
        steps=steps,
        raci=[(at, raci_letters(at.step, lead, columns)) for at in steps],
        columns=columns,
        threads=threads_of(comments),
    )


def threads_of(comments: list[Comment]) -> dict[str, list[Thread]]:
    nodes = {c.id: Thread(c) for c in comments}
    roots: dict[str, list[Thread]] = {}
    for c in comments:
        parent = nodes.get(c.parent_id) if c.parent_id is not None else None
        if parent is not None:
            parent.replies.append(nodes[c.id])
        else:
            roots.setdefault(c.anchor, []).append(nodes[c.id])
    return roots


def text_of(value: Any, lang: str) -> str:
    return value.get(lang, "") if isinstance(value, dict) else ""
