"""SOP templates. (Field names are the contract.)"""

from __future__ import annotations

from pydantic import BaseModel

from sopengine.domain.content import SopContent


class TemplateSummary(BaseModel):
    name: str
    thematic_area: str
    title: dict[str, str]
    description: dict[str, str]
    lead_ministry: str
    languages: list[str]
    primary_language: str
    required_ministries: list[str]


class TemplateOut(TemplateSummary):
    content: SopContent
