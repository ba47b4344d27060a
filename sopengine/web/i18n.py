"""The interface's languages: gettext catalogs (Babel), and dates and numbers per language.

Interface strings are marked ``_("…")`` in templates and page code; their Arabic lives in
``translations/ar/LC_MESSAGES/messages.po``, read once at start (no compiled files kept).
English is the source language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("ar", "en")
DEFAULT = "en"
_LOCALES = {"ar": "ar_IQ", "en": "en_GB"}
_TIME_ZONE = "Asia/Baghdad"


@cache
def _translations(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    po = resources.files("sopengine.web").joinpath(f"translations/{lang}/LC_MESSAGES/messages.po")
    catalog = read_po(io.StringIO(po.read_text("utf-8")), locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@dataclass(frozen=True)
class Lang:
    """One language of the interface, as templates use it."""

    code: str

    @property
    def dir(self) -> str:
        return (
            "rtl" if Locale.parse(_LOCALES[self.code]).character_order == "right-to-left" else "ltr"
        )

    @property
    def comma(self) -> str:
        return "، " if self.code == "ar" else ", "

    @property
    def other(self) -> str:
        return "en" if self.code == "ar" else "ar"

    def gettext(self, message: str, **values: Any) -> str:
        text = _translations(self.code).gettext(message)
        return text.format(**values) if values else text

    def date(self, value: date | None) -> str:
        """E.g. "5 January 2027", "5 كانون الثاني 2027"."""
        return format_date(value, "long", locale=_LOCALES[self.code]) if value else "—"

    def datetime(self, value: datetime | None) -> str:
        """Baghdad time, e.g. "5 January 2027 13:00"."""
        if value is None:
            return "—"
        return format_datetime(value, "d MMMM y HH:mm", tzinfo=_zone(), locale=_LOCALES[self.code])

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=_LOCALES[self.code])


@cache
def _zone() -> Any:
    from babel.dates import get_timezone

    return get_timezone(_TIME_ZONE)


def chosen(*candidates: str | None, accept_language: str = "") -> Lang:
    """The first supported language among the candidates, else the browser's, else English."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return Lang(candidate)
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return Lang(code)
    return Lang(DEFAULT)
