"""Ministries. (Field names are the contract.)"""

from __future__ import annotations

from pydantic import BaseModel


class MinistryOut(BaseModel):
    code: str
    name: dict[str, str]
