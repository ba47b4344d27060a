"""Sending one message over SMTP (standard library); every failure becomes an outcome."""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage

from sopengine.config import Settings


@dataclass(frozen=True)
class Outcome:
    success: bool
    smtp_code: int | None
    latency_ms: int
    error: str | None


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host.strip())


def status_line(settings: Settings) -> str:
    """What the service says at start about sending e-mail."""
    if configured(settings):
        return (
            f"e-mail notices are sent through {settings.smtp_host}:{settings.smtp_port} "
            f"as {settings.smtp_from}"
        )
    return (
        "e-mail notices are NOT sent: SOPENGINE_SMTP_HOST is not set; they are kept and "
        "listed at GET /api/v1/notices"
    )


def send(settings: Settings, message: EmailMessage, address: str) -> Outcome:
    """Hand one message to the mail server, for exactly ``address`` (never a header's Bcc)."""
    started = time.monotonic()
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            refused = smtp.send_message(message, settings.smtp_from, [address])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        return Outcome(False, code, _ms(started), _reply(code, reply))
    except smtplib.SMTPResponseException as exc:
        return Outcome(False, exc.smtp_code, _ms(started), _reply(exc.smtp_code, exc.smtp_error))
    except Exception as exc:  # a mail server's failure must never stop the worker
        return Outcome(False, None, _ms(started), f"{type(exc).__name__}: {exc}"[:1000])
    if refused:  # pragma: no cover - one recipient: refusing it raises above
        return Outcome(False, None, _ms(started), f"refused: {refused}")
    return Outcome(True, 250, _ms(started), None)


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"SMTP {code} {text}"[:1000]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
