"""Realistic bilingual SOP documents for the export tests (no database)."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

from sopengine.export.view import SopDocument


def loc(en: str, ar: str) -> dict[str, str]:
    return {"en": en, "ar": ar}


MINISTRIES: dict[str, dict[str, str]] = {
    "MFA": {"name_en": "Ministry of Foreign Affairs", "name_ar": "وزارة الخارجية"},
    "MOI": {"name_en": "Ministry of Interior", "name_ar": "وزارة الداخلية"},
    "MOMD": {"name_en": "Ministry of Migration and Displaced", "name_ar": "وزارة الهجرة والمهجرين"},
    "MOLSA": {
        "name_en": "Ministry of Labour and Social Affairs",
        "name_ar": "وزارة العمل والشؤون الاجتماعية",
    },
    "MOP": {"name_en": "Ministry of Planning", "name_ar": "وزارة التخطيط"},
}

CONTENT: dict[str, Any] = {
    "purpose": loc(
        "Coordinate the dignified return of Iraqi nationals.",
        "تنسيق العودة الكريمة للمواطنين العراقيين.",
    ),
    "scope": loc(
        "Returns from EU member states and Switzerland through Baghdad International Airport.",
        "حالات العودة من دول الاتحاد الأوروبي وسويسرا عبر مطار بغداد الدولي.",
    ),
    "definitions": [
        {
            "term": loc("Returnee", "العائد"),
            "definition": loc("A national who returns.", "مواطن يعود."),
        },
        {
            "term": loc("Case worker", "المختص بالحالة"),
            "definition": loc("Staff who follow one returnee.", "موظف يتابع عائداً واحداً."),
        },
    ],
    "references": [
        {
            "title": loc("Law of the Ministry of Migration", "قانون وزارة الهجرة والمهجرين"),
            "citation": "Law 21/2009",
        },
    ],
    "responsibilities": [
        {
            "ministry": "MOMD",
            "duties": loc("Leads reception and reintegration.", "تقود الاستقبال وإعادة الإدماج."),
        },
        {
            "ministry": "MOI",
            "duties": loc("Registers arrivals at the border.", "تسجل الوصول على الحدود."),
        },
    ],
    "procedure": [
        {
            "id": "S1",
            "actor": "MOI",
            "supporting": ["MOMD"],
            "title": loc("Register arrival", "تسجيل الوصول"),
            "description": loc("Border police register the arrival.", "تسجل شرطة الحدود الوصول."),
            "inputs": [loc("Travel document", "وثيقة السفر")],
            "outputs": [loc("Arrival record", "سجل الوصول")],
            "time_limit": loc("24 hours", "24 ساعة"),
        },
        {
            "id": "S2",
            "actor": "MOMD",
            "title": loc("Reintegration plan", "خطة إعادة الإدماج"),
            "description": loc("Case workers agree a plan.", "يتفق المختصون على خطة."),
            "steps": [
                {
                    "id": "S2.1",
                    "actor": "MFA",
                    "supporting": ["MOMD"],
                    "title": loc("Consular follow-up", "المتابعة القنصلية"),
                    "description": loc("The embassy shares documents.", "تشارك السفارة الوثائق."),
                }
            ],
        },
    ],
    "records": [
        {
            "name": loc("Case file", "ملف الحالة"),
            "kept_by": "MOMD",
            "retention": loc("5 years", "5 سنوات"),
        }
    ],
    "annexes": [
        {
            "title": loc("Referral form", "استمارة الإحالة"),
            "body": loc("Fields: name, date of arrival.", "الحقول: الاسم، تاريخ الوصول."),
        }
    ],
}


def content() -> dict[str, Any]:
    return copy.deepcopy(CONTENT)


HASH = "3f2a9c1d5e7b" + "0" * 52


def make_doc(**overrides: Any) -> SopDocument:
    fields: dict[str, Any] = {
        "code": "SOP-RR-001",
        "thematic_area": "return_reintegration",
        "lead_ministry": "MOMD",
        "number": 2,
        "state": "in_review",
        "title": loc("Return and reintegration", "العودة وإعادة الإدماج"),
        "languages": ["en", "ar"],
        "primary_language": "en",
        "required_ministries": ["MFA", "MOI", "MOMD"],
        "content": content(),
        "content_hash": HASH,
        "ministries": MINISTRIES,
        "history": [
            {
                "number": 1,
                "state": "applied",
                "created_at": datetime(2026, 1, 5, tzinfo=UTC),
                "effective_date": date(2026, 2, 1),
                "change_summary": "First version",
            },
            {
                "number": 2,
                "state": "in_review",
                "created_at": datetime(2026, 5, 1, tzinfo=UTC),
                "effective_date": None,
                "change_summary": "Adds consular follow-up",
            },
        ],
        "signoffs": [
            {
                "ministry": "MOI",
                "official_name": "Ali Hassan",
                "position": "Director General",
                "decision": "approve",
                "decided_at": datetime(2026, 5, 2, 9, 30, tzinfo=UTC),
                "content_hash": HASH,
                "meaning": "Approved on behalf of the Ministry of Interior",
            },
            {
                "ministry": "MOMD",
                "official_name": "سارة محمد",
                "position": "مديرة عامة",
                "decision": "reject",
                "decided_at": datetime(2026, 5, 2, 11, 0, tzinfo=UTC),
                "content_hash": HASH,
                "meaning": "Rejected on behalf of the Ministry of Migration and Displaced",
            },
        ],
        "exported_at": datetime(2026, 5, 3, 12, 0, tzinfo=UTC),
        "audit_head": "9" * 64,
    }
    fields.update(overrides)
    return SopDocument.build(**fields)


REDLINE_AUTHOR = "ICMPD facilitator"
REDLINE_DATE = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
"""Who and when the redline's tracked changes are attributed to."""


def base_and_revision() -> tuple[SopDocument, SopDocument]:
    """Version 1 and a version 2 that rewords, adds and removes things."""
    old = make_doc(
        number=1,
        state="applied",
        content_hash="1" * 64,
        signoffs=[],
        effective_date=date(2026, 2, 1),
    )
    new_content = content()
    new_content["purpose"] = loc(
        "Coordinate the safe and dignified return of Iraqi nationals.",
        "تنسيق العودة الآمنة والكريمة للمواطنين العراقيين.",
    )
    s1 = new_content["procedure"][0]
    s1["time_limit"] = loc("48 hours", "48 ساعة")
    s1["description"] = loc(
        "Border police register the arrival electronically.", "تسجل شرطة الحدود الوصول إلكترونياً."
    )
    new_content["procedure"][1]["steps"] = []
    new_content["procedure"].append(
        {
            "id": "S3",
            "actor": "MOLSA",
            "supporting": ["MOMD"],
            "title": loc("Job placement", "التوظيف"),
            "description": loc("Labour offices offer vacancies.", "تعرض مكاتب العمل فرص العمل."),
            "time_limit": loc("30 days", "30 يوماً"),
        }
    )
    new_content["definitions"].append(
        {"term": loc("Vacancy", "فرصة عمل"), "definition": loc("An open job.", "وظيفة شاغرة.")}
    )
    new = make_doc(
        title=loc("Return and reintegration of nationals", "العودة وإعادة إدماج المواطنين"),
        content=new_content,
        required_ministries=["MFA", "MOI", "MOMD", "MOLSA"],
        state="draft",
        signoffs=[],
    )
    return old, new
