"""Every fixed word the Word export prints, in English and Arabic.

Labels are localized texts like the content's own (``{"en": …, "ar": …}``) so the renderer
treats a heading it owns and a heading the drafters wrote the same way.
"""

from __future__ import annotations

from typing import Final

Localized = dict[str, str]


def _l(en: str, ar: str) -> Localized:
    return {"en": en, "ar": ar}


SECTION_TITLES: Final[dict[str, Localized]] = {
    "purpose": _l("Purpose", "الغرض"),
    "scope": _l("Scope", "النطاق"),
    "definitions": _l("Definitions", "التعريفات"),
    "references": _l("Legal and policy basis", "الأساس القانوني والسياساتي"),
    "responsibilities": _l("Roles and responsibilities", "الأدوار والمسؤوليات"),
    "procedure": _l("Procedure", "الإجراءات"),
    "raci": _l("RACI matrix", "مصفوفة توزيع المسؤوليات (RACI)"),
    "records": _l("Records and forms", "السجلات والنماذج"),
    "annexes": _l("Annexes", "الملاحق"),
    "signoff": _l("Sign-off", "المصادقة والتوقيع"),
}
"""The numbered sections, in document order."""

LABELS: Final[dict[str, Localized]] = {
    "republic": _l("Republic of Iraq", "جمهورية العراق"),
    "sop": _l("Standard Operating Procedure", "إجراءات التشغيل القياسية"),
    "binding": _l("Binding on", "ملزمة لكل من"),
    "code": _l("SOP code", "رمز الإجراء"),
    "version": _l("Version", "الإصدار"),
    "state": _l("State", "الحالة"),
    "thematic_area": _l("Thematic area", "المجال المواضيعي"),
    "lead_ministry": _l("Lead ministry", "الوزارة الرائدة"),
    "effective_date": _l("Effective date", "تاريخ النفاذ"),
    "not_in_force": _l("Not yet in force", "غير نافذ بعد"),
    "review_due": _l("Next review", "موعد المراجعة القادمة"),
    "document_control": _l("Document control", "ضبط الوثيقة"),
    "created": _l("Created", "تاريخ الإنشاء"),
    "change_summary": _l("Change summary", "ملخص التغييرات"),
    "contents": _l("Contents", "المحتويات"),
    "not_applicable": _l("Not applicable.", "لا ينطبق."),
    "term": _l("Term", "المصطلح"),
    "definition": _l("Definition", "التعريف"),
    "reference": _l("Instrument", "الوثيقة"),
    "citation": _l("Citation", "الإحالة"),
    "ministry": _l("Ministry", "الوزارة"),
    "duties": _l("Duties", "المهام"),
    "actor": _l("Actor", "الجهة المنفذة"),
    "supporting": _l("Supporting", "الجهات الساندة"),
    "inputs": _l("Inputs", "المدخلات"),
    "outputs": _l("Outputs", "المخرجات"),
    "time_limit": _l("Time limit", "المهلة الزمنية"),
    "none": _l("None", "لا يوجد"),
    "step": _l("Step", "الخطوة"),
    "raci_legend": _l(
        "R = responsible (actor) · A = accountable (lead ministry) · "
        "C = consulted (supporting) · I = informed",
        "R = المسؤول عن التنفيذ (الجهة المنفذة) · A = الجهة المساءلة (الوزارة الرائدة) · "
        "C = جهة تُستشار (جهة ساندة) · I = جهة تُبلَّغ",
    ),
    "record": _l("Record or form", "السجل أو النموذج"),
    "kept_by": _l("Kept by", "الجهة الحافظة"),
    "retention": _l("Retention", "مدة الحفظ"),
    "annex": _l("Annex", "الملحق"),
    "official": _l("Official", "المسؤول"),
    "position": _l("Position", "المنصب"),
    "decision": _l("Decision", "القرار"),
    "date": _l("Date", "التاريخ"),
    "hash_signed": _l("Hash signed", "البصمة الموقَّعة"),
    "pending": _l("pending", "قيد الانتظار"),
    "content_hash": _l("Content hash (SHA-256)", "بصمة المحتوى (SHA-256)"),
    "signed_by_password": _l(
        "Signed in person, password re-entered", "وُقِّع شخصياً بعد إعادة إدخال كلمة المرور"
    ),
    "signed_by_token": _l("Signed by the ministry's system", "وُقِّع عبر نظام الوزارة"),
    "signoff_intro": _l(
        "Each ministry signs the exact text identified by the content hash below. "
        "A sign-off given on another hash does not count.",
        "توقّع كل وزارة على النص المحدد ببصمة المحتوى أدناه حصراً، "
        "ولا يُعتدّ بأي توقيع على بصمة مختلفة.",
    ),
    "exported": _l("Exported", "تاريخ التصدير"),
    "audit_head": _l("Audit chain head", "رأس سلسلة التدقيق"),
    "page": _l("Page", "الصفحة"),
    "of": _l("of", "من"),
    "redline": _l(
        "Changes from version {old} to version {new}",
        "التغييرات من الإصدار {old} إلى الإصدار {new}",
    ),
    "compared_with": _l("compared with version {old}", "مقارنةً بالإصدار {old}"),
}

STATES: Final[dict[str, Localized]] = {
    "draft": _l("Draft", "مسودة"),
    "in_review": _l("In review", "قيد المراجعة"),
    "endorsed": _l("Endorsed", "مُصادَق عليه"),
    "applied": _l("Applied", "نافذ"),
    "superseded": _l("Superseded", "مُستبدَل بإصدار أحدث"),
    "withdrawn": _l("Withdrawn", "مسحوب"),
}

DECISIONS: Final[dict[str | None, Localized]] = {
    "approve": _l("Approved", "موافقة"),
    "reject": _l("Rejected", "رفض"),
    None: _l("Pending", "قيد الانتظار"),
}

THEMATIC_AREAS: Final[dict[str, Localized]] = {
    "return_reintegration": _l("Return and reintegration", "العودة وإعادة الإدماج"),
    "irregular_migration": _l(
        "Irregular migration, trafficking and smuggling",
        "الهجرة غير النظامية والاتجار بالبشر وتهريب المهاجرين",
    ),
    "migration_development": _l("Migration and development", "الهجرة والتنمية"),
    "border_management": _l("Border management and security", "إدارة الحدود وأمنها"),
    "asylum_refugees": _l("Asylum and refugees", "اللجوء واللاجئون"),
    "labour_migration": _l("Labour migration", "هجرة العمالة"),
    "whole_of_government": _l("Whole-of-government approach", "نهج الحكومة بأكملها"),
}

WATERMARKS: Final[dict[str, Localized]] = {
    "withdrawn": _l("WITHDRAWN", "مسحوب"),
}
DEFAULT_WATERMARK: Final[Localized] = _l("DRAFT", "مسودة")


def localized(table: dict[str, Localized], key: str) -> Localized:
    """The label for ``key``, or the key itself in every language when it has none."""
    return table.get(key) or {"en": key, "ar": key}
