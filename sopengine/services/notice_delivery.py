"""Sending e-mail notices: claim due notices, send them over SMTP, record every attempt.

The same guarantees as the webhook worker (``services/delivery.py``): a claim is a short
transaction that leases notices to this worker (PostgreSQL: ``FOR UPDATE SKIP LOCKED``);
sending happens outside any transaction; the outcome is recorded only while the notice
still carries this worker's lease. A killed worker's leases expire and the notice is sent
again, with the same ``Message-ID``. Nothing is claimed while no SMTP host is configured.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.dialects import dialect_of
from sopengine.db.models import Notice, NoticeAttempt
from sopengine.domain import notices as rules
from sopengine.domain.notices import Status
from sopengine.mail.compose import Item, Letter, compose
from sopengine.services import retrying, smtp_client
from sopengine.services.smtp_client import Outcome

log = logging.getLogger("sopengine.worker")

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
SMTP_CONNECTIONS = 4


@dataclass(frozen=True)
class ClaimedNotice:
    notice_id: int
    address: str
    message: EmailMessage
    lease_until: datetime
    """The claim's fence: the outcome is recorded only while the notice still carries it."""


def letter_of(notice: Notice, items: list[Notice]) -> Letter:
    official = notice.official
    assert official.email is not None
    digest_of = notice.digest_of.isoformat() if notice.digest_of is not None else None
    shown = items if digest_of is not None else [notice]
    return Letter(
        address=official.email,
        name=official.name,
        languages=rules.language_order(official.language, official.ministry_code),
        message_id=notice.message_id,
        items=[Item(n.event_type or "", n.data) for n in shown],
        digest_of=digest_of,
        extra_headers={"X-Sopengine-Notice": notice.event_type or rules.DIGEST},
    )


def claim(session: Session, settings: Settings, now: datetime) -> list[ClaimedNotice]:
    query = (
        select(Notice)
        .where(
            Notice.status == Status.PENDING,
            Notice.next_attempt_at <= now,
            or_(Notice.lease_until.is_(None), Notice.lease_until < now),
        )
        .order_by(Notice.next_attempt_at, Notice.id)
        .limit(settings.webhook_batch_size)
        .options(selectinload(Notice.official))
    )
    due = session.scalars(dialect_of(session).skip_locked(query, Notice)).all()
    items: dict[int, list[Notice]] = defaultdict(list)
    digests = [n.id for n in due if n.kind == rules.DIGEST]
    if digests:
        for item in session.scalars(
            select(Notice).where(Notice.digest_id.in_(digests)).order_by(Notice.id)
        ):
            assert item.digest_id is not None
            items[item.digest_id].append(item)
    lease_until = now + timedelta(seconds=settings.webhook_lease_seconds)
    claimed = []
    for notice in due:
        official = notice.official
        if not official.active or official.email is None:
            notice.status, notice.last_error = (
                Status.CANCELLED,
                "no active official with an address",
            )
            continue
        try:
            message = compose(
                letter_of(notice, items[notice.id]),
                sender=settings.smtp_from,
                public_url=settings.public_url,
            )
        except Exception as exc:  # one unwritable notice must not stall every other one
            log.exception("notice %s cannot be composed", notice.id)
            notice.status, notice.last_error = Status.FAILED, f"not composed: {exc}"[:1000]
            continue
        notice.lease_until = lease_until
        notice.attempts += 1
        claimed.append(ClaimedNotice(notice.id, official.email, message, lease_until))
    session.flush()
    return claimed


def record(session: Session, settings: Settings, claimed: ClaimedNotice, outcome: Outcome) -> None:
    notice = session.get(Notice, claimed.notice_id, with_for_update=True)
    if notice is None or notice.lease_until != claimed.lease_until:
        log.warning("notice %s: outcome not recorded, lease lost", claimed.notice_id)
        return
    now = utcnow()
    session.add(
        NoticeAttempt(
            notice_id=notice.id,
            attempted_at=now,
            address=claimed.address,
            success=outcome.success,
            smtp_code=outcome.smtp_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            worker=WORKER_ID,
        )
    )
    retrying.settle(
        notice, success=outcome.success, error=outcome.error, now=now, settings=settings
    )
    if outcome.success and notice.kind == rules.DIGEST:
        session.execute(
            update(Notice)
            .where(Notice.digest_id == notice.id)
            .values(status=Status.DELIVERED, delivered_at=now)
        )
    session.flush()


def drain_once(factory: sessionmaker[Session], settings: Settings) -> int:
    """Claim one batch of notices, send them, record the outcomes; answers how many sent."""
    if not smtp_client.configured(settings):
        return 0
    with factory.begin() as session:
        batch = claim(session, settings, utcnow())
    if not batch:
        return 0
    # Up to four connections at a time, each sending its share of the batch in turn.
    shares = [batch[i::SMTP_CONNECTIONS] for i in range(min(SMTP_CONNECTIONS, len(batch)))]
    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        sent = list(pool.map(lambda share: _send_share(settings, share), shares))
    with factory.begin() as session:
        for share, outcomes in zip(shares, sent, strict=True):
            for claimed, outcome in zip(share, outcomes, strict=True):
                record(session, settings, claimed, outcome)
    return len(batch)


def _send_share(settings: Settings, share: list[ClaimedNotice]) -> list[Outcome]:
    return smtp_client.send_all(settings, [(c.message, c.address) for c in share])
