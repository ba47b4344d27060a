from __future__ import annotations

from fastapi import APIRouter, Path

from sopengine.api.deps import CurrentOfficial, SettingsDep
from sopengine.api.problems import responses
from sopengine.api.schemas.templates import TemplateOut, TemplateSummary
from sopengine.errors import NotFound, Unauthorized
from sopengine.services.templates import Template, get_template, list_templates

router = APIRouter(tags=["templates"])


def _summary(t: Template) -> dict[str, object]:
    return {
        "name": t.name,
        "thematic_area": t.thematic_area,
        "title": t.title,
        "description": t.description,
        "lead_ministry": t.lead_ministry,
        "languages": t.languages,
        "primary_language": t.primary_language,
        "required_ministries": t.required_ministries,
    }


@router.get("/templates", response_model=list[TemplateSummary], responses=responses(Unauthorized))
def templates(settings: SettingsDep, _: CurrentOfficial) -> list[TemplateSummary]:
    return [
        TemplateSummary.model_validate(_summary(t)) for t in list_templates(settings.templates_dir)
    ]


@router.get(
    "/templates/{name}", response_model=TemplateOut, responses=responses(Unauthorized, NotFound)
)
def template(
    settings: SettingsDep, _: CurrentOfficial, name: str = Path(max_length=200)
) -> TemplateOut:
    t = get_template(settings.templates_dir, name)
    return TemplateOut.model_validate({**_summary(t), "content": t.content})
