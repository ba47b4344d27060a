"""What the current request is: its id and, once authenticated, the official making it.

The request middleware sets one ``RequestContext`` per request; code further down (the
audit log, the outbox, the access log) reads it without being handed it. Dependencies
that run in a thread pool see the same object (contexts are copied into the thread), so
``identify`` mutates it rather than setting a new value.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
"""A client's X-Request-ID is kept only when it is this tame: no spaces, quotes or control
characters that could forge a log line, and at most 128 characters."""


@dataclass
class RequestContext:
    request_id: str
    official_id: int | None = None


_current: ContextVar[RequestContext | None] = ContextVar("sopengine_request", default=None)


def accept_request_id(given: str | None) -> str:
    """The client's id when well-formed, else a fresh one."""
    if given and _WELL_FORMED.fullmatch(given):
        return given
    return uuid.uuid4().hex


def begin(request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    _current.set(context)
    return context


def current() -> RequestContext | None:
    return _current.get()


def request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def identify(official_id: int) -> None:
    """Record who the current request acts for (for the access log)."""
    context = _current.get()
    if context is not None:
        context.official_id = official_id
