"""The type of a SELECT that a dialect may amend (and hands back as the same type)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])
