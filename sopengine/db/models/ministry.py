from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from sopengine.db.base import Base


class Ministry(Base):
    __tablename__ = "ministries"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str] = mapped_column(String(200))

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en
