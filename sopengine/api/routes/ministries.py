from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from sopengine.api.deps import CurrentOfficial, SessionDep
from sopengine.api.problems import responses
from sopengine.api.schemas.ministries import MinistryOut
from sopengine.db.models import Ministry
from sopengine.errors import Unauthorized

router = APIRouter(tags=["ministries"])


@router.get("/ministries", response_model=list[MinistryOut], responses=responses(Unauthorized))
def list_ministries(session: SessionDep, _: CurrentOfficial) -> list[MinistryOut]:
    rows = session.scalars(select(Ministry).order_by(Ministry.code))
    return [MinistryOut(code=m.code, name={"en": m.name_en, "ar": m.name_ar}) for m in rows]
