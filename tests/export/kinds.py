"""Every kind of version the Word export meets, as documents for the schema-validity suite.

States (draft with its watermark, in review, endorsed, applied, superseded, withdrawn), a
version with every section filled and steps nested as deep as the content model allows, the
empty-section case, single-language versions, texts holding every character the service
accepts, and pairs of versions for redlines (steps, table rows and cells added, removed and
changed).
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache, partial
from typing import Any

from sopengine.domain.content import MAX_STEP_DEPTH, MAX_TEXT_CHARS
from sopengine.domain.text import XML_FORBIDDEN
from sopengine.export.view import SopDocument
from tests.export.docs import HASH, MINISTRIES, base_and_revision, content, loc, make_doc

ALL = ["MFA", "MOI", "MOMD", "MOLSA", "MOP"]


def _approvals(ministries: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "ministry": code,
            "official_name": f"Official of {code}",
            "position": "Deputy Minister",
            "decision": "approve",
            "decided_at": datetime(2026, 5, 10, 9, i, tzinfo=UTC),
            "content_hash": HASH,
            "meaning": f"Approved on behalf of the {MINISTRIES[code]['name_en']}",
            "meaning_ar": f"تمت الموافقة نيابة عن {MINISTRIES[code]['name_ar']}",
            "method": "password" if i % 2 else "token",
        }
        for i, code in enumerate(ministries)
    ]


def in_state(state: str) -> SopDocument:
    """The sample version in a workflow state, with what that state carries."""
    fields: dict[str, Any] = {"state": state}
    if state == "draft":
        fields["signoffs"] = []
    if state in ("endorsed", "applied", "superseded"):
        fields["signoffs"] = _approvals(["MFA", "MOI", "MOMD"])
    if state in ("applied", "superseded"):
        fields |= {"effective_date": date(2026, 6, 1), "review_due": date(2027, 6, 1)}
    return make_doc(**fields)


def _step(path: list[int], depth: int, actors: list[str]) -> dict[str, Any]:
    number = ".".join(map(str, path))
    actor = actors[len(path) % len(actors)]
    return {
        "id": f"S{number}",
        "actor": actor,
        "supporting": [m for m in actors if m != actor][:2],
        "title": loc(f"Step {number}: verify the file", f"الخطوة {number}: التحقق من الملف"),
        "description": loc(
            f"Officers check the file at level {len(path)}.\nThey sign the register.",
            f"يدقق الموظفون الملف في المستوى {len(path)}.\nويوقعون في السجل.",
        ),
        "inputs": [loc("Application form", "استمارة الطلب"), loc("Passport copy", "نسخة الجواز")],
        "outputs": [loc("Checked file", "ملف مدقق"), loc("Register entry", "قيد في السجل")],
        "time_limit": loc("3 working days", "3 أيام عمل"),
        "steps": [_step([*path, 1], depth, actors)] if len(path) < depth else [],
    }


def full_content() -> dict[str, Any]:
    """Every section with several items; a chain of steps nested MAX_STEP_DEPTH deep."""
    items = range(1, 4)
    return {
        "purpose": loc("Coordinate returns.\tEvery ministry acts.", "تنسيق العودة.\tتعمل كل وزارة."),
        "scope": loc("All returns to Iraq.", "جميع حالات العودة إلى العراق."),
        "definitions": [
            {"term": loc(f"Term {i}", f"المصطلح {i}"), "definition": loc(f"Meaning {i}.", f"المعنى {i}.")}
            for i in items
        ],
        "references": [
            {"title": loc(f"Law {i}", f"القانون {i}"), "citation": f"Law {i}/2009, art. {i}"}
            for i in items
        ],
        "responsibilities": [
            {"ministry": code, "duties": loc(f"{code} leads its part.", f"تقود {code} دورها.")}
            for code in ALL
        ],
        "procedure": [_step([1], MAX_STEP_DEPTH, ALL), _step([2], 2, ALL[::-1])],
        "records": [
            {"name": loc(f"Record {i}", f"السجل {i}"), "kept_by": ALL[i], "retention": loc("5 years", "5 سنوات")}
            for i in items
        ],
        "annexes": [
            {"title": loc(f"Form {i}", f"الاستمارة {i}"), "body": loc(f"Fields of form {i}.", f"حقول الاستمارة {i}.")}
            for i in items
        ],
    }  # fmt: skip


def full() -> SopDocument:
    return make_doc(content=full_content(), required_ministries=ALL, signoffs=_approvals(ALL[:2]))


def empty_content() -> dict[str, Any]:
    return {"purpose": loc("Purpose.", "الغرض."), "scope": loc("Scope.", "النطاق.")}


def empty() -> SopDocument:
    """Only the required texts: every list section and the procedure are empty."""
    return make_doc(content=empty_content(), required_ministries=["MOMD"], signoffs=[])


def only(lang: str) -> SopDocument:
    """A version written in one language only."""

    def pick(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"en", "ar"}:
                return {lang: value[lang]}
            return {k: pick(v) for k, v in value.items()}
        if isinstance(value, list):
            return [pick(v) for v in value]
        return value

    return make_doc(
        title=pick(loc("Return", "العودة")),
        languages=[lang],
        primary_language=lang,
        content=pick(content()),
    )


@cache
def every_character() -> tuple[str, ...]:
    """Every assigned character the service accepts, in texts of at most MAX_TEXT_CHARS.

    That is every assigned code point of Unicode (so every script: Latin, Arabic and its
    Kurdish, Persian and Urdu letters, Syriac, Hebrew, Armenian, CJK, emoji …), private use
    included, except what XML cannot carry. Tab, newline and carriage return stay in; format
    characters (bidi marks, joiners) and C1 controls too.
    """
    chars = [
        ch
        for cp in range(0x20, sys.maxunicode + 1)
        if unicodedata.category(ch := chr(cp)) not in ("Cn", "Cs") and not XML_FORBIDDEN.match(ch)
    ]
    text = "\t\n\r" + "".join(chars)
    return tuple(text[i : i + MAX_TEXT_CHARS] for i in range(0, len(text), MAX_TEXT_CHARS))


SCRIPTS_SAMPLE = loc(
    "Kurdî / کوردی: ڕێگەی گەڕانەوە · ܣܘܪܝܝܐ · Türkmençe · Հայերեն · עברית · Ελληνικά · "
    "Русский · 中文 · हिन्दी · ไทย · 👩🏽‍⚖️ · e\u0301 · <&> \"quotes\" 'single' \u200f\u200e ",
    "العربيّة مع التشكيل: بِسْمِ · فارسی: گچپژ · اردو: ٹھیک · ٠١٢٣٤٥٦٧٨٩ · ﷺ · \u061c",
)


def every_script() -> SopDocument:
    """Texts holding every character the service accepts, and a readable sample of scripts."""
    pieces = every_character()
    c = content()
    c["purpose"] = SCRIPTS_SAMPLE
    c["annexes"] = [
        {"title": loc(f"Characters {i}", f"المحارف {i}"), "body": loc(piece, piece)}
        for i, piece in enumerate(pieces, start=1)
    ]
    c["references"][0]["citation"] = SCRIPTS_SAMPLE["en"]
    return make_doc(content=c, title=SCRIPTS_SAMPLE)


STATES = ("draft", "in_review", "endorsed", "applied", "superseded", "withdrawn")

VERSIONS: dict[str, Callable[[], SopDocument]] = {
    **{state: partial(in_state, state) for state in STATES},
    "full": full,
    "empty": empty,
    "every_script": every_script,
}
"""Versions exported in English, Arabic and bilingual."""


def _revised(doc: SopDocument, **changes: Any) -> SopDocument:
    return make_doc(
        **{
            "number": doc.number + 1,
            "state": "draft",
            "signoffs": [],
            "title": doc.title,
            "required_ministries": doc.required_ministries,
            "content": doc.content.model_dump(mode="json"),
            **changes,
        }
    )


def deep_revision() -> tuple[SopDocument, SopDocument]:
    """The full version against a revision that changes something in every section:
    steps added, removed and changed at every depth, table rows and cells added, removed
    and changed, a ministry dropped from the RACI columns."""
    old = full()
    c = full_content()
    c["purpose"]["en"] = "Coordinate safe returns.\tEvery ministry acts."
    c["definitions"].pop(0)
    c["definitions"].append({"term": loc("Vacancy", "شاغر"), "definition": loc("A job.", "وظيفة.")})
    c["references"][1]["citation"] = "Law 2/2010, art. 4"
    c["responsibilities"][2]["duties"] = loc("MOMD leads reception.", "تقود الوزارة الاستقبال.")
    c["responsibilities"].pop()
    chain = c["procedure"][0]
    at = chain
    for _ in range(MAX_STEP_DEPTH - 2):
        at = at["steps"][0]
    at["steps"][0]["title"] = loc("Step renamed at depth 6", "خطوة معاد تسميتها")
    at["steps"][0]["inputs"].pop()
    at["steps"][0]["outputs"].append(loc("Receipt", "إيصال"))
    at["steps"][0]["supporting"] = ["MOI"]
    at["steps"].append({**_step([9, 9, 9, 9, 9], 5, ["MOI", "MFA"]), "id": "NEW-5"})
    c["procedure"][1]["steps"] = []
    c["procedure"].insert(1, {**_step([7], 3, ["MOLSA", "MOI"]), "id": "S7-new"})
    c["records"][0]["retention"] = loc("10 years", "10 سنوات")
    c["annexes"].pop(1)
    _without_mop(c["procedure"])
    new = _revised(old, content=c, required_ministries=ALL[:4])
    return old, new


def _without_mop(steps: list[dict[str, Any]]) -> None:
    """The revision no longer binds MOP: its steps pass to MOLSA."""
    for step in steps:
        step["actor"] = "MOLSA" if step["actor"] == "MOP" else step["actor"]
        step["supporting"] = [m for m in step["supporting"] if m not in ("MOP", step["actor"])]
        _without_mop(step["steps"])


REDLINES: dict[str, Callable[[], tuple[SopDocument, SopDocument]]] = {
    "sample": base_and_revision,
    "deep": deep_revision,
    "empty_to_full": lambda: (empty(), _revised(full())),
    "full_to_empty": lambda: (full(), _revised(empty())),
}
"""Pairs of versions whose redlines are exported in English and Arabic."""
