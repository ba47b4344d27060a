"""E-mail notice benchmark: derive and send a burst of notices through a local SMTP server.

    python bench/notice_bench.py [--people 50] [--events 40] [--database-url URL]

Writes ``--events`` outbox events that every one of ``--people`` facilitators is told of,
then times the worker's two halves: deriving the notices (one transaction per batch of
events) and sending them (claim, SMTP, record) to an aiosmtpd server on 127.0.0.1 that
accepts at once. Prints notices per second for each half, and the share of the sending time
the bare SMTP conversations take (the floor: the same messages sent with smtplib alone).
Without ``--database-url`` it uses a fresh SQLite file; a PostgreSQL URL must name an empty
scratch database.
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import Notice
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.services import notice_delivery, notices, officials, webhooks
from tests.database import upgrade_url
from tests.mailbox import mailbox


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade_url(url)
    engine = make_engine(Settings(database_url=url))
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        for i in range(args.people):
            officials.create_official(
                session,
                None,
                officials.NewOfficial(f"F {i}", ["facilitator"], email=f"f{i}@bench.test"),
            )
        for i in range(args.events):
            webhooks.emit(
                session,
                "review.due",
                sop_code=f"SOP-{i}",
                ministries=["MOI"],
                data={"sop_code": f"SOP-{i}", "version": 1, "title": {"en": "T", "ar": "ع"}},
            )
    total = args.people * args.events

    with mailbox() as box:
        settings = Settings(
            database_url=url, smtp_host=box.host, smtp_port=box.port, webhook_batch_size=100
        )
        started = time.perf_counter()
        while True:
            with factory.begin() as session:
                if not notices.derive(session, settings, utcnow()):
                    break
        derive_s = time.perf_counter() - started
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(Notice)) == total

        started = time.perf_counter()
        while notice_delivery.drain_once(factory, settings):
            pass
        send_s = time.perf_counter() - started
        assert len(box.messages) == total, len(box.messages)

        sample = [m.message for m in box.messages]
        started = time.perf_counter()
        for m in sample:
            with smtplib.SMTP(box.host, box.port) as smtp:
                smtp.send_message(m, "bench@bench.test", [str(m["To"])])
        floor_s = time.perf_counter() - started
    engine.dispose()

    print(f"{engine.dialect.name}: {total} notices ({args.people} people x {args.events} events)")
    print(f"derive: {derive_s:.2f} s, {total / derive_s:,.0f} notices/s")
    print(f"send:   {send_s:.2f} s, {total / send_s:,.0f} notices/s (4 SMTP connections at a time)")
    print(
        f"floor:  {floor_s:.2f} s, {total / floor_s:,.0f} messages/s (smtplib alone, one at a time)"
    )
    print(f"send / floor: {send_s / floor_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
