"""A version read is answered from the version cache while nothing has changed, and never
after: every change made through the service, the caller and the day are in the key.

Each read is compared with ``version_out`` built afresh from the database, the answer every
other version response gives, so a stale answer cannot pass.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, Engine, event, select, update
from sqlalchemy.orm import Session

from sopengine.api.representations import version_out
from sopengine.api.version_cache import Answer, Key, VersionCache
from sopengine.config import Settings
from sopengine.db.base import utcnow
from sopengine.db.models import ApiToken, AuditEvent
from sopengine.db.repositories.audit import Head
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.domain.permissions import Identity
from sopengine.main import create_app
from sopengine.services import audit, sops
from sopengine.services import officials as officials_service
from tests.api.test_statement_counts import counted
from tests.helpers import (
    FAST_ARGON2,
    PASSWORD,
    Officials,
    Person,
    action,
    bring_to,
    make_officials,
    make_system,
    ok,
    sign,
    version_url,
)

AUTHENTICATION = ("api_tokens", "sign_in_attempts")


async def _read(client: httpx.AsyncClient, db: Session, person: Person) -> dict[str, Any]:
    """The version as ``person`` reads it, checked against a fresh ``version_out``."""
    r = await client.get(version_url(), headers=person.headers)
    assert r.status_code == 200, r.text
    db.expire_all()
    version = sops.get_version(db, "SOP-RR-001", 1)
    expected = version_out(db, version, person.official).model_dump(mode="json")
    assert r.json() == expected
    assert r.headers["ETag"] == expected["etag"]
    return expected


async def _statements_after_authentication(
    client: httpx.AsyncClient, connection: Connection, person: Person
) -> tuple[int, bytes]:
    with counted(connection) as statements:
        r = await client.get(version_url(), headers=person.headers)
    assert r.status_code == 200, r.text
    return len([s for s in statements if not any(t in s for t in AUTHENTICATION)]), r.content


async def test_a_second_read_with_nothing_changed_runs_no_query_after_authentication(
    client: httpx.AsyncClient, officials: Officials, connection: Connection
) -> None:
    await bring_to(client, officials, "in_review")
    first, body = await _statements_after_authentication(client, connection, officials.facilitator)
    again, same = await _statements_after_authentication(client, connection, officials.facilitator)
    assert (first, again) == (3, 0)
    assert same == body


async def test_every_change_through_the_service_is_in_the_next_read(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    readers = (officials.facilitator, officials.signatory["MOI"], officials.reviewer["MFA"])
    lead, drafter = officials.signatory["MOMD"], officials.drafter["MOMD"]
    seen: list[dict[str, Any]] = []

    async def everyone_reads() -> None:
        for person in readers:
            await _read(client, db, person)
            await _read(client, db, person)  # the second from the cache: the same answer
        seen.append(await _read(client, db, officials.facilitator))

    await bring_to(client, officials, "draft")
    await everyone_reads()
    draft = seen[-1]
    content = {**draft["content"], "purpose": {"en": "A new purpose.", "ar": "غرض جديد."}}
    await ok(
        client.put(
            version_url() + "/content",
            json={"content": content},
            headers={**drafter.headers, "If-Match": draft["etag"]},
        )
    )
    await everyone_reads()
    assert seen[-1]["content"]["purpose"]["ar"] == "غرض جديد."
    await ok(action(client, drafter, "submit"))
    await everyone_reads()
    comment = await ok(
        client.post(
            version_url() + "/comments",
            json={"anchor": "purpose", "body": "يرجى التوضيح"},
            headers=officials.reviewer["MOI"].headers,
        ),
        201,
    )
    await everyone_reads()
    assert [c["body"] for c in seen[-1]["open_comments"]] == ["يرجى التوضيح"]
    await ok(
        client.patch(
            f"{version_url()}/comments/{comment['id']}",
            json={"resolved": True},
            headers=drafter.headers,
        )
    )
    await everyone_reads()
    assert seen[-1]["open_comments"] == []
    for ministry in ("MFA", "MOI"):
        await ok(sign(client, officials, ministry))
        await everyone_reads()
    await ok(sign(client, officials, "MOMD"))
    await everyone_reads()
    assert seen[-1]["state"] == "endorsed"
    await ok(action(client, lead, "apply", effective_date="2027-01-01"))
    await everyone_reads()
    await ok(action(client, lead, "withdraw", reason="Replaced by a new law"))
    await everyone_reads()
    states = [answer["state"] for answer in seen]
    assert states[0] == "draft" and states[-1] == "withdrawn"
    assert len({answer["etag"] for answer in seen}) > 5


async def test_each_caller_gets_their_own_answer(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "in_review")
    moi = await _read(client, db, officials.signatory["MOI"])
    facilitator = await _read(client, db, officials.facilitator)
    assert "signoff" in moi["available_actions"] and moi["signature"]["ministry"] == "MOI"
    assert "signoff" not in facilitator["available_actions"] and facilitator["signature"] is None
    assert (await _read(client, db, officials.signatory["MOI"])) == moi


async def test_the_day_is_in_the_key_an_overdue_position_shows_without_any_change(
    client: httpx.AsyncClient,
    officials: Officials,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await bring_to(client, officials, "in_review")
    before = await _read(client, db, officials.facilitator)
    assert {p["status"] for p in before["signoffs"]} == {"pending"}
    later = date.fromisoformat(before["respond_by"]) + timedelta(days=3)
    moment = utcnow().replace(year=later.year, month=later.month, day=later.day)
    for module in ("sopengine.api.routes.sops", "sopengine.api.representations"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: moment)
    after = await _read(client, db, officials.facilitator)
    assert {p["status"] for p in after["signoffs"]} == {"overdue"}


async def test_a_token_is_checked_on_every_read_even_when_the_answer_is_cached(
    client: httpx.AsyncClient, officials: Officials, db: Session, settings: Settings
) -> None:
    await bring_to(client, officials, "in_review")
    system = make_system(db, "MOI case system", "MOI", ["reviewer"])
    db.commit()
    assert (await client.get(version_url(), headers=system.headers)).status_code == 200
    assert (await client.get(version_url(), headers=system.headers)).status_code == 200
    db.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == officials_service.hash_token(system.token))
        .values(revoked_at=utcnow())
    )
    db.commit()
    r = await client.get(version_url(), headers=system.headers)
    assert r.status_code == 401
    assert r.json()["detail"] == officials_service.INVALID_TOKEN
    r = await client.get(version_url(), headers={"Authorization": "Bearer sope_never-issued"})
    assert r.status_code == 401


async def test_a_person_signed_in_with_a_cookie_reads_through_the_cache_too(
    client: httpx.AsyncClient, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "in_review")
    email = officials.signatory["MOI"].official.email
    signed_in = await client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code in (200, 201), signed_in.text
    first = await client.get(version_url())
    again = await client.get(version_url())
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert first.json()["signature"]["ministry"] == "MOI"
    await ok(sign(client, officials, "MOI"))
    after = await client.get(version_url())
    moi = next(p for p in after.json()["signoffs"] if p["ministry"] == "MOI")
    assert moi["status"] == "approved"


def _key(seq: int, hash_: str = "a" * 64, reader: int = 1) -> Key:
    who = Identity(reader, ("facilitator",), None, "person")
    return Key("SOP-RR-001", 1, who, date(2026, 11, 29), Head(seq, hash_))


def test_the_cache_keeps_the_most_recently_used_answers_within_its_bytes() -> None:
    cache = VersionCache(16 * 100)  # an answer of up to 200 bytes is kept

    for seq in (1, 2, 3, 4):
        cache.put(_key(seq), Answer(b"x" * 400, f'"{seq}"'))
    assert len(cache) == 0, "larger than an eighth of the budget: not kept"
    for seq in range(1, 10):
        cache.put(_key(seq), Answer(b"x" * 200, f'"{seq}"'))
    assert len(cache) == 8 and cache.size == 1600
    assert cache.get(_key(1)) is None
    assert cache.get(_key(2)) == Answer(b"x" * 200, '"2"')
    cache.put(_key(10), Answer(b"y" * 200, '"10"'))  # 3 was used least recently, not 2
    assert cache.get(_key(3)) is None and cache.get(_key(2)) is not None
    cache.put(_key(10), Answer(b"z" * 100, '"10"'))  # replaced: counted once
    assert cache.size == 1500
    # The head's hash is in the key: a restored database that reaches the same sequence
    # number with other events is not mistaken for the one that was read.
    assert cache.get(_key(2, "b" * 64)) is None
    assert cache.get(_key(2, reader=2)) is None
    off = VersionCache(0)
    off.put(_key(1), Answer(b"1", '"1"'))
    assert off.get(_key(1)) is None and len(off) == 0


async def test_on_an_engine_of_its_own_a_read_runs_without_a_transaction_and_refusals_in_one(
    scratch_url: str,
) -> None:
    """The served app (its own engine, not the tests' savepoints): on PostgreSQL the read's
    statements run without ``BEGIN``/``COMMIT``; a refused token's record (the attempt and
    its audit event, appended under the chain's lock) is still written in a transaction, and
    the chain verifies. On SQLite the read keeps its transaction."""
    settings = Settings(database_url=scratch_url, **FAST_ARGON2)
    other = make_engine(settings)
    with make_sessionmaker(other)() as db:
        people = make_officials(db)
        db.commit()
    app = create_app(settings)
    engine: Engine = app.state.sessionmaker.kw["bind"]
    autocommit: dict[str, set[bool]] = {}

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        table = next((t for t in ("api_tokens", "sign_in_attempts", "audit_events") if t in
                      statement.split("WHERE")[0]), None)  # fmt: skip
        if table is not None and engine.dialect.name == "postgresql":
            verb = statement.lstrip().split()[0].upper()
            autocommit.setdefault(f"{verb} {table}", set()).add(
                conn.connection.dbapi_connection.autocommit
            )

    event.listen(engine, "before_cursor_execute", record)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://s.test") as client:
                await bring_to(client, people, "in_review")
                for _ in range(2):
                    r = await client.get(version_url(), headers=people.facilitator.headers)
                    assert r.status_code == 200 and r.json()["state"] == "in_review"
                await ok(sign(client, people, "MOI"))
                r = await client.get(version_url(), headers=people.facilitator.headers)
                moi = next(p for p in r.json()["signoffs"] if p["ministry"] == "MOI")
                assert moi["status"] == "approved", "the change is in the next read"
                r = await client.get(version_url(), headers={"Authorization": "Bearer sope_x"})
                assert r.status_code == 401
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with make_sessionmaker(other)() as db:
        refused = db.scalars(select(AuditEvent).where(AuditEvent.action == "token.refused"))
        assert [e.details["reason"] for e in refused] == ["unknown"]
        assert audit.verify(db).ok
    other.dispose()
    if engine.dialect.name == "postgresql":
        assert True in autocommit["SELECT api_tokens"], "reads ran without a transaction"
        assert autocommit["INSERT sign_in_attempts"] == {False}
        assert autocommit["INSERT audit_events"] == {False}
