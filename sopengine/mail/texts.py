"""What each notice says, in English and Arabic (placeholders filled by ``mail/compose.py``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrase:
    subject: str
    body: str


TEXTS: dict[str, dict[str, Phrase]] = {
    "signoff.requested": {
        "en": Phrase(
            "Your ministry's decision is requested",
            "Version {version} of {code} “{title}” awaits the decision of the {ministry}. "
            "Please respond by {respond_by}.",
        ),
        "ar": Phrase(
            "مطلوب قرار وزارتكم",
            "الإصدار {version} من {code} «{title}» بانتظار قرار {ministry}. "
            "يُرجى الرد في موعد أقصاه {respond_by}.",
        ),
    },
    "signoff.due_soon": {
        "en": Phrase(
            "Decision due by {respond_by}",
            "The {ministry} has not yet decided on version {version} of {code} “{title}”. "
            "The decision is due by {respond_by}.",
        ),
        "ar": Phrase(
            "موعد القرار {respond_by}",
            "لم تتخذ {ministry} قرارها بعد بشأن الإصدار {version} من {code} «{title}». "
            "الموعد النهائي للقرار {respond_by}.",
        ),
    },
    "signoff.overdue": {
        "en": Phrase(
            "Decision overdue",
            "The decision of the {ministry} on version {version} of {code} “{title}” was due "
            "by {respond_by} and is now overdue.",
        ),
        "ar": Phrase(
            "تأخر القرار",
            "كان قرار {ministry} بشأن الإصدار {version} من {code} «{title}» مستحقاً في "
            "موعد أقصاه {respond_by}، وقد تأخر الآن.",
        ),
    },
    "version.rejected": {
        "en": Phrase(
            "Version {version} rejected",
            "The {ministry} rejected version {version} of {code} “{title}”: {comment}",
        ),
        "ar": Phrase(
            "رُفض الإصدار {version}",
            "رفضت {ministry} الإصدار {version} من {code} «{title}»: {comment}",
        ),
    },
    "version.endorsed": {
        "en": Phrase(
            "Version {version} endorsed",
            "Every required ministry approved version {version} of {code} “{title}”.",
        ),
        "ar": Phrase(
            "اعتُمد الإصدار {version}",
            "وافقت جميع الوزارات المطلوبة على الإصدار {version} من {code} «{title}».",
        ),
    },
    "version.applied": {
        "en": Phrase(
            "Version {version} applies from {effective_date}",
            "Version {version} of {code} “{title}” applies from {effective_date}. "
            "Its periodic review is due on {review_due}.",
        ),
        "ar": Phrase(
            "يسري الإصدار {version} اعتباراً من {effective_date}",
            "يسري الإصدار {version} من {code} «{title}» اعتباراً من {effective_date}. "
            "وموعد مراجعته الدورية {review_due}.",
        ),
    },
    "version.withdrawn": {
        "en": Phrase(
            "Version {version} withdrawn",
            "Version {version} of {code} “{title}” was withdrawn: {reason}",
        ),
        "ar": Phrase(
            "سُحب الإصدار {version}",
            "سُحب الإصدار {version} من {code} «{title}»: {reason}",
        ),
    },
    "comment.created": {
        "en": Phrase(
            "New comment on version {version}",
            "{author} commented on {anchor} of version {version} of {code} “{title}”: {body}",
        ),
        "ar": Phrase(
            "تعليق جديد على الإصدار {version}",
            "علّق {author} على {anchor} في الإصدار {version} من {code} «{title}»: {body}",
        ),
    },
    "review.due": {
        "en": Phrase(
            "Periodic review due on {review_due}",
            "The periodic review of {code} “{title}” (version {version}) is due on {review_due}.",
        ),
        "ar": Phrase(
            "موعد المراجعة الدورية {review_due}",
            "موعد المراجعة الدورية لـ{code} «{title}» (الإصدار {version}) هو {review_due}.",
        ),
    },
}

DIGEST: dict[str, Phrase] = {
    "en": Phrase("Your daily summary of {day}: {count} notices", "What happened on {day}:"),
    "ar": Phrase("ملخصك اليومي ليوم {day}: {count} إشعارات", "ما جرى يوم {day}:"),
}

FRAME: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Dear {name},",
        "open": "Open it in sopengine",
        "why": "You receive this because of your role in sopengine.",
        "preferences": "Choose which notices you receive, and how often",
    },
    "ar": {
        "greeting": "مرحباً {name}،",
        "open": "افتحه في sopengine",
        "why": "تصلك هذه الرسالة بسبب دورك في sopengine.",
        "preferences": "اختر الإشعارات التي تصلك وعدد مرات إرسالها",
    },
}
