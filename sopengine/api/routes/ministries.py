from __future__ import annotations

from fastapi import APIRouter

from sopengine.api.deps import CurrentOfficial, SessionDep
from sopengine.api.problems import responses
from sopengine.api.schemas.ministries import MinistryOut
from sopengine.errors import Unauthorized
from sopengine.services import ministries

router = APIRouter(tags=["ministries"])


@router.get("/ministries", response_model=list[MinistryOut], responses=responses(Unauthorized))
def list_ministries(session: SessionDep, _: CurrentOfficial) -> list[MinistryOut]:
    return [
        MinistryOut(code=m.code, name={"en": m.name_en, "ar": m.name_ar})
        for m in ministries.list_ministries(session)
    ]
