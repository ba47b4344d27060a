"""E-mail notices through a real SMTP server: who gets what, in which languages, and retries."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings
from sopengine.db.models import Notice, NoticeAttempt, SopVersion
from sopengine.domain import notices as rules
from sopengine.domain.notices import Status
from sopengine.services import notice_delivery, notices, reminders
from sopengine.services.housekeeping import housekeeping
from tests.helpers import Officials, Person, action, create_sop, ok, sign
from tests.mailbox import Mailbox, Received, mailbox

COMMENTS = "/api/v1/sops/SOP-RR-001/versions/1/comments"
TITLE_AR = "العودة وإعادة الإدماج"
TITLE_EN = "Return and reintegration"


def smtp_settings(settings: Settings, box: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_host": box.host, "smtp_port": box.port})


def pending(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return (
            s.scalar(
                select(func.count()).select_from(Notice).where(Notice.status.in_([Status.PENDING]))
            )
            or 0
        )


def deliver_all(factory: sessionmaker[Session], settings: Settings, timeout: float = 60) -> None:
    """Run the worker's rounds until no notice waits to be sent."""
    deadline = time.monotonic() + timeout
    while True:
        housekeeping(factory, settings)
        notice_delivery.drain_once(factory, settings)
        if not pending(factory):
            return
        assert time.monotonic() < deadline, "notices did not all go out"
        time.sleep(0.05)


def event_of(m: Received) -> str:
    return str(m.message["X-Sopengine-Notice"])


def first_language(m: Received) -> str:
    html = m.part("html")
    found = re.findall(r'<div lang="(ar|en)" dir="(rtl|ltr)"', html)
    assert [d for _, d in found] == ["rtl" if lang == "ar" else "ltr" for lang, _ in found]
    assert sorted(lang for lang, _ in found) == ["ar", "en"], "both languages, each once"
    return found[0][0]


def addr(p: Person) -> str:
    assert p.official.email is not None
    return p.official.email


async def test_the_life_of_an_sop_tells_exactly_who_must_know(
    client, officials: Officials, session_factory, settings: Settings, db: Session
) -> None:
    o = officials
    o.drafter["MOMD"].official.language = "en"
    o.signatory["MOI"].official.language = "ar"
    db.commit()
    expected: Counter[tuple[str, str]] = Counter()

    def expect(event: str, *people: Person) -> None:
        for p in people:
            expected[(addr(p), event)] += 1

    bound = ("MFA", "MOI", "MOMD")
    await create_sop(client, o.facilitator)
    await ok(action(client, o.drafter["MOMD"], "submit"))
    expect("signoff.requested", *(o.signatory[m] for m in bound))

    # A comment: the drafters of the bound ministries; a reply: also the parent's author,
    # never the one who wrote it.
    first = await ok(
        client.post(
            COMMENTS,
            json={"anchor": "purpose", "body": "Clarify who meets returnees."},
            headers=o.reviewer["MOI"].headers,
        ),
        201,
    )
    expect("comment.created", *(o.drafter[m] for m in bound))
    await ok(
        client.post(
            COMMENTS,
            json={"anchor": "purpose", "body": "MOMD does.", "parent_id": first["id"]},
            headers=o.drafter["MFA"].headers,
        ),
        201,
    )
    expect("comment.created", o.drafter["MOI"], o.drafter["MOMD"], o.reviewer["MOI"])

    # Three working days before respond_by, the ministries still pending are reminded.
    with session_factory.begin() as s:
        version = s.scalar(select(SopVersion))
        assert version is not None and version.respond_by is not None
        respond_by = version.respond_by
    remind_on = rules.reminder_date(respond_by, settings.notice_deadline_working_days)
    with session_factory.begin() as s:
        assert reminders.announce_deadlines(s, settings, remind_on) == 3
    with session_factory.begin() as s:
        assert reminders.announce_deadlines(s, settings, remind_on) == 0, "once"
    expect("signoff.due_soon", *(o.signatory[m] for m in bound))

    await ok(sign(client, o, "MOI", "reject", comment="Step S1 needs a time limit."))
    expect("version.rejected", *(o.drafter[m] for m in bound))  # the submitter is MOMD's drafter

    # The day after respond_by: overdue, once, to the ministries that have not decided.
    with session_factory.begin() as s:
        assert reminders.announce_deadlines(s, settings, respond_by + timedelta(days=1)) == 2
    expect("signoff.overdue", o.signatory["MFA"], o.signatory["MOMD"])

    await ok(action(client, o.drafter["MOMD"], "recall"))
    await ok(action(client, o.drafter["MOMD"], "submit"))
    expect("signoff.requested", *(o.signatory[m] for m in bound))
    for m in bound:
        await ok(sign(client, o, m))
    everyone = [p for m in bound for p in (o.drafter[m], o.reviewer[m], o.signatory[m])]
    expect("version.endorsed", *everyone, o.facilitator)
    await ok(action(client, o.signatory["MOMD"], "apply", effective_date="2027-01-01"))
    expect("version.applied", *everyone, o.facilitator)
    with session_factory.begin() as s:
        assert reminders.announce_reviews(s, settings, date(2027, 12, 15)) == 1
    expect("review.due", o.signatory["MOMD"], o.drafter["MOMD"], o.facilitator)
    await ok(action(client, o.facilitator, "withdraw", reason="Replaced by law"))
    expect("version.withdrawn", *everyone, o.facilitator)

    with mailbox() as box:
        deliver_all(session_factory, smtp_settings(settings, box))
        received = list(box.messages)

    got = Counter((m.to, event_of(m)) for m in received)
    assert got == expected, "exactly the expected messages to exactly the expected addresses"
    assert all(m.message["To"] == m.to for m in received)

    ids = [m.message["Message-ID"] for m in received]
    assert len(set(ids)) == len(ids)
    for m in received:
        assert m.message["Subject"].startswith("[SOP-RR-001] "), m.message["Subject"]
        assert m.message["List-Unsubscribe"] == f"<{settings.public_url}/account/notices>"
        assert m.message.get_content_type() == "multipart/alternative"
        text, html = m.part("plain"), m.part("html")
        assert f"{settings.public_url}/sops/SOP-RR-001/versions/1" in html
        assert f"{settings.public_url}/sops/SOP-RR-001/versions/1" in text
        assert TITLE_AR in html and TITLE_EN in html
        arabic = html.split('<div lang="ar" dir="rtl"', 1)[1].split("</div>", 1)[0]
        assert TITLE_AR in arabic and TITLE_EN not in arabic

    # The official's language first: MOMD's drafter chose English, MOI's signatory Arabic;
    # without a choice a ministry's officials read Arabic first and ICMPD's English first.
    by_to: dict[str, set[str]] = {}
    for m in received:
        by_to.setdefault(m.to, set()).add(first_language(m))
        assert m.part("plain").lstrip().startswith("Dear" if first_language(m) == "en" else "مرحباً")
    assert by_to[addr(o.drafter["MOMD"])] == {"en"}
    assert by_to[addr(o.signatory["MOI"])] == {"ar"}
    assert by_to[addr(o.drafter["MFA"])] == {"ar"}
    assert by_to[addr(o.facilitator)] == {"en"}

    rejected = next(m for m in received if event_of(m) == "version.rejected")
    assert "Step S1 needs a time limit." in rejected.part("plain")
    assert "رفضت وزارة الداخلية" in rejected.part("html")
    requested = next(
        m
        for m in received
        if event_of(m) == "signoff.requested" and m.to == addr(o.signatory["MOI"])
    )
    assert "مطلوب قرار وزارتكم" in requested.message["Subject"]
    assert "Your ministry's decision is requested" in requested.message["Subject"]


async def test_refusals_and_a_dropped_connection_are_retried_and_recorded(
    client, officials: Officials, session_factory, settings: Settings, monkeypatch
) -> None:
    # One connection for the batch: a refusal must not stop the next message on it, and a
    # dropped connection is opened again.
    monkeypatch.setattr(notice_delivery, "SMTP_CONNECTIONS", 1)
    await create_sop(client, officials.facilitator)
    await ok(action(client, officials.drafter["MOMD"], "submit"))  # three notices
    with mailbox(script=["451 4.3.0 Try again later", "554 5.7.1 Not now", "drop"]) as box:
        deliver_all(session_factory, smtp_settings(settings, box))
        received = list(box.messages)
    assert box.refusals == ["451 4.3.0 Try again later", "554 5.7.1 Not now", "drop"]
    assert sorted(m.to for m in received) == sorted(
        addr(officials.signatory[m]) for m in ("MFA", "MOI", "MOMD")
    ), "nothing lost, nothing sent twice"

    with session_factory() as s:
        attempts = s.scalars(select(NoticeAttempt).order_by(NoticeAttempt.id)).all()
        statuses = Counter(s.scalars(select(Notice.status)))
    assert statuses == {"delivered": 3}
    failed = [a for a in attempts if not a.success]
    assert [a.smtp_code for a in failed if a.smtp_code] == [451, 554]
    assert any("451" in (a.error or "") for a in failed)
    assert any("554" in (a.error or "") for a in failed)
    assert any("Disconnected" in (a.error or "") or "closed" in (a.error or "") for a in failed)
    assert sum(a.success for a in attempts) == 3 and len(attempts) == 6
    # Each retry carried the same Message-ID (the notice's own).
    with session_factory() as s:
        kept = set(s.scalars(select(Notice.message_id)))
    assert {m.message["Message-ID"] for m in received} == kept


async def test_retries_give_up_after_the_last_attempt(
    client, officials: Officials, session_factory, settings: Settings
) -> None:
    await create_sop(client, officials.facilitator)
    await ok(action(client, officials.drafter["MOMD"], "submit"))
    few = settings.model_copy(update={"webhook_max_attempts": 2})
    with mailbox(script=["550 5.1.1 No such user"] * 6) as box:
        deliver_all(session_factory, smtp_settings(few, box))
    with session_factory() as s:
        found = s.scalars(select(Notice)).all()
    assert {n.status for n in found} == {"failed"} and {n.attempts for n in found} == {2}
    assert all("550" in (n.last_error or "") for n in found)


async def test_digest_sends_one_message_per_official_per_day_with_every_item(
    client, officials: Officials, session_factory, settings: Settings
) -> None:
    moi = officials.drafter["MOI"]
    r = await client.patch(
        "/api/v1/me/notice-settings",
        json={"preferences": {"comment.created": "digest"}},
        headers=moi.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["preferences"]["comment.created"] == "digest"
    await create_sop(client, officials.facilitator)
    for text in ("First remark", "Second remark", "Third remark"):
        await ok(
            client.post(
                COMMENTS,
                json={"anchor": "scope", "body": text},
                headers=officials.reviewer["MFA"].headers,
            ),
            201,
        )
    box_settings = settings
    with mailbox() as box:
        box_settings = smtp_settings(settings, box)
        deliver_all(session_factory, box_settings)
        to_moi = [m for m in box.messages if m.to == addr(moi)]
        assert to_moi == [], "held for the digest"
        assert len([m for m in box.messages if m.to == addr(officials.drafter["MFA"])]) == 3

        with session_factory.begin() as s:
            held = s.scalars(select(Notice).where(Notice.status == Status.HELD)).all()
            assert len(held) == 3
            day = held[0].digest_day
            assert day is not None
        before_hour = _at(day + timedelta(days=1), 6, box_settings)
        next_morning = _at(day + timedelta(days=1), 8, box_settings)
        with session_factory.begin() as s:
            assert notices.gather_digests(s, box_settings, before_hour) == 0
        with session_factory.begin() as s:
            assert notices.gather_digests(s, box_settings, next_morning) == 1
        with session_factory.begin() as s:
            assert notices.gather_digests(s, box_settings, next_morning) == 0, "once a day"
        deliver_all(session_factory, box_settings)
        to_moi = [m for m in box.messages if m.to == addr(moi)]

    assert len(to_moi) == 1
    digest = to_moi[0]
    assert event_of(digest) == "digest"
    assert digest.message["Subject"].startswith("[SOP-RR-001] ")
    text = digest.part("plain")
    for remark in ("First remark", "Second remark", "Third remark"):
        assert text.count(remark) == 2, "each item, in both languages"
    with session_factory() as s:
        assert set(
            s.scalars(select(Notice.status).where(Notice.official_id == moi.official.id))
        ) == {"delivered"}


def _at(day: date, hour: int, settings: Settings) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.notice_timezone))
