"""Sending one message over SMTP (standard library); every failure becomes an outcome."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Sequence
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


def send_all(settings: Settings, messages: Sequence[tuple[EmailMessage, str]]) -> list[Outcome]:
    """Hand messages to the mail server, each for exactly its address (never a header's Bcc).

    One connection (with its STARTTLS and login) serves the whole sequence; a refused message
    does not stop the next, and a dropped connection is opened again for the next message.
    """
    outcomes: list[Outcome] = []
    smtp: smtplib.SMTP | None = None
    try:
        for message, address in messages:
            started = time.monotonic()
            try:
                if smtp is None:
                    smtp = _connect(settings)
                smtp.send_message(message, settings.smtp_from, [address])
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = next(iter(exc.recipients.values()))
                outcomes.append(Outcome(False, code, _ms(started), _reply(code, reply)))
            except smtplib.SMTPResponseException as exc:
                error = _reply(exc.smtp_code, exc.smtp_error)
                outcomes.append(Outcome(False, exc.smtp_code, _ms(started), error))
                if exc.smtp_code == 421:  # the server is closing the connection
                    _close(smtp)
                    smtp = None
            except Exception as exc:  # a mail server's failure must never stop the worker
                error = f"{type(exc).__name__}: {exc}"[:1000]
                outcomes.append(Outcome(False, None, _ms(started), error))
                _close(smtp)
                smtp = None
            else:
                outcomes.append(Outcome(True, 250, _ms(started), None))
    finally:
        _close(smtp)
    return outcomes


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    )
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except Exception:  # already gone: nothing to close politely
        smtp.close()


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"SMTP {code} {text}"[:1000]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
