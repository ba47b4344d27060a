"""One notice (or a day's digest) as a bilingual e-mail: plain text and HTML from templates.

The official's language comes first and the other below; the Arabic part is right to left
(``dir="rtl"``). Everything here is pure: the worker hands in what it loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from sopengine.mail.texts import DIGEST, FRAME, TEXTS
from sopengine.urls import NOTICE_SETTINGS_PAGE, version_page

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Item:
    event_type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Letter:
    """What one message says and to whom (loaded from a ``Notice`` row by the worker)."""

    address: str
    name: str
    languages: tuple[str, str]
    message_id: str
    items: list[Item]
    digest_of: str | None = None
    """The day a digest gathers; None for a single notice."""
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    lang: str
    dir: str
    greeting: str
    intro: str | None
    lines: list[tuple[str, str]]
    """(what happened, link to the page)."""
    open_label: str
    why: str
    preferences_label: str


def _title(data: dict[str, Any], lang: str) -> str:
    title = data.get("title") or {}
    if isinstance(title, dict):
        return str(title.get(lang) or next(iter(title.values()), ""))
    return str(title)


def _fill(template: str, data: dict[str, Any], lang: str) -> str:
    names = data.get("ministry_names") or {}
    values = {
        "version": data.get("version", ""),
        "code": data.get("sop_code", ""),
        "title": _title(data, lang),
        "ministry": (names.get(lang) if isinstance(names, dict) else None)
        or data.get("ministry", ""),
        "respond_by": data.get("respond_by") or "",
        "comment": data.get("comment") or "",
        "effective_date": data.get("effective_date") or "",
        "review_due": data.get("review_due") or "",
        "reason": data.get("reason") or "",
        "author": data.get("author") or "",
        "anchor": data.get("anchor") or "",
        "body": data.get("body") or "",
    }
    return template.format(**values)


def _link(public_url: str, data: dict[str, Any]) -> str:
    code, number = data.get("sop_code"), data.get("version")
    if not code or not isinstance(number, int):
        return public_url + "/"
    return public_url + version_page(code, number)


def subject(letter: Letter) -> str:
    """Both languages, the official's first, with the SOP code(s) in front."""
    codes = sorted({str(i.data.get("sop_code")) for i in letter.items if i.data.get("sop_code")})
    if letter.digest_of is not None:
        phrases = [
            DIGEST[lang].subject.format(day=letter.digest_of, count=len(letter.items))
            for lang in letter.languages
        ]
    else:
        item = letter.items[0]
        phrases = [
            _fill(TEXTS[item.event_type][lang].subject, item.data, lang)
            for lang in letter.languages
        ]
    return f"[{', '.join(codes)}] {phrases[0]} · {phrases[1]}"


def parts(letter: Letter, public_url: str) -> list[Part]:
    found = []
    for lang in letter.languages:
        frame = FRAME[lang]
        intro = (
            DIGEST[lang].body.format(day=letter.digest_of) if letter.digest_of is not None else None
        )
        found.append(
            Part(
                lang=lang,
                dir="rtl" if lang == "ar" else "ltr",
                greeting=frame["greeting"].format(name=letter.name),
                intro=intro,
                lines=[
                    (_fill(TEXTS[i.event_type][lang].body, i.data, lang), _link(public_url, i.data))
                    for i in letter.items
                ],
                open_label=frame["open"],
                why=frame["why"],
                preferences_label=frame["preferences"],
            )
        )
    return found


def compose(letter: Letter, *, sender: str, public_url: str) -> EmailMessage:
    """The message, ready for SMTP: multipart/alternative, text then HTML, UTF-8."""
    preferences = public_url + NOTICE_SETTINGS_PAGE
    context = {
        "parts": parts(letter, public_url),
        "preferences": preferences,
        "subject": subject(letter),
    }
    message = EmailMessage()
    message["Subject"] = context["subject"]
    message["From"] = sender
    message["To"] = letter.address
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = letter.message_id
    message["List-Unsubscribe"] = f"<{preferences}>"
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = ", ".join(letter.languages)
    for name, value in letter.extra_headers.items():
        message[name] = value
    message.set_content(_ENV.get_template("notice.txt").render(context))
    message.add_alternative(_ENV.get_template("notice.html").render(context), subtype="html")
    # The bodies are encoded by now (base64 lines of 76). What is left is folding headers:
    # CPython folds a long non-ASCII subject into encoded-words split at a space, which RFC
    # 2047 decoders drop ("اليومي ليوم" arrives as "اليوميليوم"); fold only past RFC 5322's
    # 998-character line limit instead, so the subject arrives word for word.
    message.policy = message.policy.clone(max_line_length=998)
    return message
