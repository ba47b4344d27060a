"""Text normalization for search, and highlighted snippets.

Arabic is folded before indexing and querying: diacritics (tashkeel) and tatweel are
removed and alef/hamza variants become a bare alef, so ``يسجل`` finds ``يُسجَّل`` and
``اعادة`` finds ``إعادة``. Latin text is case-folded. Both databases index the folded
text; PostgreSQL stems it with the ``english`` configuration, SQLite FTS5 with porter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sopengine.domain.content import SopContent, iter_stored_texts, iter_texts

_TASHKEEL = [
    *range(0x0610, 0x061A + 1),
    *range(0x064B, 0x065F + 1),
    0x0670,
    *range(0x06D6, 0x06DC + 1),
    *range(0x06DF, 0x06E8 + 1),
    *range(0x06EA, 0x06ED + 1),
    0x0640,  # tatweel
]
_ALEF = {0x0622: "\u0627", 0x0623: "\u0627", 0x0625: "\u0627", 0x0671: "\u0627"}
# One table: diacritics and tatweel removed, alef variants made a bare alef.
_FOLD = str.maketrans({**dict.fromkeys(_TASHKEEL), **_ALEF})
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def fold(text: str) -> str:
    """Normalize text the same way for the index and for queries."""
    return text.translate(_FOLD).casefold()


def terms(query: str) -> list[str]:
    """The words of a query, folded; punctuation and operators are dropped."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


@dataclass(frozen=True)
class SearchDocument:
    title: str
    body: str


def document(title: dict[str, str], content: SopContent) -> SearchDocument:
    """The folded text of a version's title and of every text of its content, all languages."""
    body = "\n".join(fold(value) for _path, text in iter_texts(content) for value in text.values())
    return SearchDocument(title="\n".join(fold(v) for v in title.values()), body=body)


@dataclass(frozen=True)
class Snippet:
    text: str
    language: str
    where: str


def _texts(
    title: Mapping[str, str], content: SopContent | Mapping[str, Any]
) -> Iterator[tuple[str, str, str]]:
    for lang, value in title.items():
        yield "title", lang, value
    texts = iter_texts(content) if isinstance(content, SopContent) else iter_stored_texts(content)
    for path, text in texts:
        for lang, value in text.items():
            yield "/".join(map(str, path)), lang, value


def _matches(word: str, wanted: Collection[str]) -> bool:
    folded = fold(word)
    if not any(t in folded for t in wanted):  # most words: no need to split into tokens
        return False
    return any(
        token == t or (len(t) >= 3 and token.startswith(t))
        for token in _WORD.findall(folded)
        for t in wanted
    )


def snippet(
    title: Mapping[str, str],
    content: SopContent | Mapping[str, Any],
    query: str,
    width: int = 12,
) -> Snippet | None:
    """A short window of the first text that contains a query word, words in ``<mark>``.

    ``content`` is the model or stored (already validated) content JSON.
    """
    wanted = terms(query)
    if not wanted:
        return None
    for where, lang, value in _texts(title, content):
        folded = fold(value)
        # Every match contains a query word as it is folded: most texts are passed over here.
        if not any(t in folded for t in wanted):
            continue
        words = value.split()
        hits = [i for i, w in enumerate(words) if _matches(w, wanted)]
        if not hits:
            continue
        start = max(0, hits[0] - width // 3)
        window = words[start : start + width]
        marked = " ".join(
            f"<mark>{html.escape(w)}</mark>" if _matches(w, wanted) else html.escape(w)
            for w in window
        )
        prefix = "… " if start > 0 else ""
        suffix = " …" if start + width < len(words) else ""
        return Snippet(prefix + marked + suffix, lang, where)
    return None
