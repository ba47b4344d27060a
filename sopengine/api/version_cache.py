"""Versions as JSON, kept per caller while nothing in the service has changed.

A version's representation depends on the database (the version, its SOP and ministries,
sign-offs, open comments, the officials named in them, the ministries' names), on the caller
(what the rule book lets them do, the signature they would sign) and on the day (overdue
positions). The key holds the caller's identity and roles, the day, and the head of the
audit log: every change to the service's records appends an event to the log in the same
transaction, and appends are serialized until commit (``audit.record``), so the head's
sequence number moves with every committed change, in commit order. A reader takes the head
before it reads anything else; whatever it reads afterwards is at least that new, so an
answer is never kept under a head older than its content. The head's hash is part of the key
too: a database restored to an earlier point and written to again reaches the same sequence
numbers with other events. A change made in the database by hand, outside the service,
leaves no event: cached answers do not see it until the next change, the next day or a
restart (or at once with the cache off, ``SOPENGINE_VERSION_CACHE_MB=0``).

Bounded in bytes, least recently used out first; one per worker process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from sopengine.db.repositories.audit import Head
from sopengine.domain.permissions import Identity


@dataclass(frozen=True)
class Key:
    code: str
    number: int
    reader: Identity
    today: date
    head: Head


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str


class VersionCache:
    """A thread-safe LRU of answers holding at most ``max_bytes`` of JSON; 0 keeps nothing.
    An answer larger than an eighth of that is not kept (it would push out many others)."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Key, answer: Answer) -> None:
        size = len(answer.body)
        if size > self._max_bytes // 8:
            return
        with self._lock:
            old = self._answers.pop(key, None)
            self._bytes += size - (len(old.body) if old else 0)
            self._answers[key] = answer
            while self._bytes > self._max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def size(self) -> int:
        """Bytes of JSON held."""
        return self._bytes
