"""Plain text the service accepts: only characters an XML 1.0 document may hold.

Every text ends up in a Word file (XML), so a character XML 1.0 forbids — C0 controls other
than tab, line feed and carriage return, U+FFFE, U+FFFF and lone surrogates — is refused at
input, wherever it comes from (the API, the pages, the command line), with the field it is in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from sopengine.errors import FieldError, pointer

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""What XML 1.0's ``Char`` production leaves out (tab, LF and CR are allowed)."""


def forbidden_character(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None when every character may be."""
    found = XML_FORBIDDEN.search(value)
    if found is None:
        return None
    return (
        f"contains the character U+{ord(found.group()):04X} at position {found.start()}, "
        "which a document cannot hold (control characters other than tab and line breaks, "
        "U+FFFE, U+FFFF and lone surrogates are refused)"
    )


def _xml_safe(value: str) -> str:
    problem = forbidden_character(value)
    if problem is not None:
        raise PydanticCustomError("xml_forbidden_character", problem)
    return value


XmlSafe = AfterValidator(_xml_safe)
"""Add to an ``Annotated[str, …]`` to refuse what :data:`XML_FORBIDDEN` matches."""

XmlText = Annotated[str, XmlSafe]
"""A plain text that a Word file can hold."""


def text_problems(fields: Mapping[str, str | None]) -> list[FieldError]:
    """One error per field (by name, a top-level pointer) holding a forbidden character.

    For the services, so that a form posted to a page is held to the same rule as a body
    validated by the API's schemas."""
    errors = []
    for name, value in fields.items():
        problem = forbidden_character(value) if value else None
        if problem is not None:
            errors.append(FieldError(pointer(name), problem))
    return errors
