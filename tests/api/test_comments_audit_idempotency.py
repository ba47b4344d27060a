from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.db.models import AuditEvent, Official, SignOff, Sop
from tests.helpers import (
    PASSWORD,
    Officials,
    action,
    bring_to,
    create_sop,
    get_version,
    ok,
    sop_body,
    version_url,
)

COMMENTS = version_url() + "/comments"


async def test_comments_anchored_threaded_resolvable(client, officials: Officials) -> None:
    await create_sop(client, officials.facilitator)
    reviewer = officials.reviewer["MOI"]
    top = await ok(
        client.post(
            COMMENTS,
            json={"anchor": "procedure/S2.1", "body": "Which embassy?"},
            headers=reviewer.headers,
        ),
        201,
    )
    assert (
        top["anchor"] == "procedure/S2.1"
        and top["author"]["name"] == "Reviewer MOI"
        and not top["resolved"]
    )
    reply = await ok(
        client.post(
            COMMENTS,
            json={
                "anchor": "procedure/S2.1",
                "body": "The one that issued the passport.",
                "parent_id": top["id"],
            },
            headers=officials.drafter["MOMD"].headers,
        ),
        201,
    )
    assert reply["parent_id"] == top["id"]

    bad = await client.post(
        COMMENTS, json={"anchor": "procedure/S9", "body": "?"}, headers=reviewer.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "#/anchor"
    bad = await client.post(
        COMMENTS,
        json={"anchor": "scope", "body": "?", "parent_id": 999999},
        headers=reviewer.headers,
    )
    assert bad.status_code == 422
    assert (
        await client.post(
            COMMENTS, json={"anchor": "scope", "body": "x"}, headers=officials.admin.headers
        )
    ).status_code == 403

    version = await get_version(client, reviewer)
    assert [c["id"] for c in version["open_comments"]] == [top["id"], reply["id"]]

    # Another reviewer may not resolve; the author, a binding drafter or a facilitator may.
    url = f"{COMMENTS}/{top['id']}"
    assert (
        await client.patch(url, json={"resolved": True}, headers=officials.reviewer["MFA"].headers)
    ).status_code == 403
    assert (
        await client.patch(url, json={"resolved": True}, headers=officials.drafter["MOP"].headers)
    ).status_code == 403
    resolved = await ok(
        client.patch(url, json={"resolved": True}, headers=officials.drafter["MFA"].headers)
    )
    assert resolved["resolved"] is True and resolved["resolved_at"]
    await ok(client.patch(url, json={"resolved": False}, headers=reviewer.headers))
    await ok(client.patch(url, json={"resolved": True}, headers=officials.facilitator.headers))
    assert (
        await client.patch(f"{COMMENTS}/999999", json={"resolved": True}, headers=reviewer.headers)
    ).status_code == 404

    version = await get_version(client, reviewer)
    assert [c["id"] for c in version["open_comments"]] == [reply["id"]]
    everything = await ok(client.get(COMMENTS, headers=reviewer.headers))
    assert len(everything) == 2


async def test_audit_listing_is_for_facilitators_and_admins(client, officials: Officials) -> None:
    await bring_to(client, officials, "endorsed")
    await create_sop(client, officials.facilitator, "SOP-OTHER-1")
    assert (
        await client.get("/api/v1/audit", headers=officials.reviewer["MOI"].headers)
    ).status_code == 403
    assert (
        await client.get("/api/v1/audit/verify", headers=officials.signatory["MOI"].headers)
    ).status_code == 403

    seen, cursor = [], None
    while True:
        params = {"sop": "SOP-RR-001", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await ok(client.get("/api/v1/audit", params=params, headers=officials.admin.headers))
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [e["action"] for e in seen] == [
        "sop.created",
        "version.submit",
        "signoff.recorded",
        "signoff.recorded",
        "signoff.recorded",
        "version.endorse",
    ]
    assert all(e["sop_code"] == "SOP-RR-001" for e in seen)
    assert seen[-1]["actor_id"] is None, "endorsement is the service's act"
    assert seen[-1]["prev_hash"] == seen[-2]["hash"]


async def test_audit_verify_names_an_edited_row(client, officials: Officials, db: Session) -> None:
    await bring_to(client, officials, "in_review")
    assert (await ok(client.get("/api/v1/audit/verify", headers=officials.facilitator.headers)))[
        "ok"
    ] is True
    target = db.scalar(select(AuditEvent).where(AuditEvent.action == "version.submit"))
    target.details = {**target.details, "respond_by": "2099-01-01"}
    db.commit()
    report = await ok(client.get("/api/v1/audit/verify", headers=officials.facilitator.headers))
    assert report["ok"] is False and report["first_bad_event"] == target.seq
    assert report["events_checked"] == target.seq, "the walk stops at the edited row"
    assert report["reason"] == "its content does not match its hash"


async def test_idempotent_retry_acts_once(client, officials: Officials, db: Session) -> None:
    await bring_to(client, officials, "in_review")
    version = await get_version(client, officials.signatory["MOI"])
    body = {"decision": "approve", "content_hash": version["content_hash"], "password": PASSWORD}
    headers = {**officials.signatory["MOI"].headers, "Idempotency-Key": "moi-approval-1"}
    first = await client.put(version_url() + "/signoffs/MOI", json=body, headers=headers)
    second = await client.put(version_url() + "/signoffs/MOI", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert db.scalar(select(func.count()).select_from(SignOff)) == 1

    other = await client.put(
        version_url() + "/signoffs/MOI",
        json={**body, "decision": "reject", "comment": "x"},
        headers=headers,
    )
    assert other.status_code == 422

    # The key belongs to the official: another official may use the same string.
    mfa = {**officials.signatory["MFA"].headers, "Idempotency-Key": "moi-approval-1"}
    assert (
        await client.put(version_url() + "/signoffs/MFA", json=body, headers=mfa)
    ).status_code == 200


async def test_idempotent_create_and_failed_first_attempt(
    client, officials: Officials, db: Session
) -> None:
    await bring_to(client, officials, "draft")
    headers = {**officials.facilitator.headers, "Idempotency-Key": "submit-1"}
    r1 = await client.post(version_url() + "/actions/submit", headers=headers)
    r2 = await client.post(version_url() + "/actions/submit", headers=headers)
    assert r1.status_code == r2.status_code == 200 and r1.json()["state"] == "in_review"
    submits = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "version.submit")
    )
    assert submits == 1

    # A failed attempt stores nothing: the retry runs for real.
    key = {**officials.facilitator.headers, "Idempotency-Key": "apply-1"}
    assert (
        await client.post(
            version_url() + "/actions/apply", json={"effective_date": "2027-01-01"}, headers=key
        )
    ).status_code == 409
    await ok(action(client, officials.facilitator, "recall"))
    assert (
        await client.post(
            version_url() + "/actions/apply", json={"effective_date": "2027-01-01"}, headers=key
        )
    ).status_code == 409


async def test_idempotent_creates_of_sops_and_officials(
    client, officials: Officials, db: Session
) -> None:
    headers = {**officials.facilitator.headers, "Idempotency-Key": "create-sop-1"}
    first = await client.post("/api/v1/sops", json=sop_body(), headers=headers)
    again = await client.post("/api/v1/sops", json=sop_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["location"] == first.headers["location"]
    assert db.scalar(select(func.count()).select_from(Sop)) == 1

    before = db.scalar(select(func.count()).select_from(Official))
    body = {"name": "New Officer", "roles": ["facilitator"]}
    headers = {**officials.admin.headers, "Idempotency-Key": "officer-1"}
    a = await client.post("/api/v1/officials", json=body, headers=headers)
    b = await client.post("/api/v1/officials", json=body, headers=headers)
    assert a.status_code == b.status_code == 201 and a.json()["token"] == b.json()["token"]
    assert db.scalar(select(func.count()).select_from(Official)) == before + 1


NUL_REFUSED = "the request contains a value the database cannot store (e.g. a NUL character)"


async def test_nul_characters_never_give_a_500(client, officials: Officials, db: Session) -> None:
    # PostgreSQL can neither store nor compare NUL in text, and its DataError becomes a 422;
    # SQLite takes NUL like any other character. The answers differ by backend: both spelled out.
    postgres = db.get_bind().dialect.name == "postgresql"
    await create_sop(client, officials.facilitator)
    headers = officials.reviewer["MOI"].headers

    # In a body, NUL is refused on both, by validation, with a pointer (tests/api/test_input_text.py).
    r = await client.post(COMMENTS, json={"anchor": "scope", "body": "a\u0000b"}, headers=headers)
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["#/body"]

    r = await client.get("/api/v1/sops/%00", headers=headers)
    assert r.status_code == (422 if postgres else 404), r.text
    assert r.json()["detail"] == (NUL_REFUSED if postgres else "no SOP with code \u0000")

    r = await client.get("/api/v1/sops", params={"ministry": "\u0000"}, headers=headers)
    assert r.status_code == (422 if postgres else 200), r.text
    if postgres:
        assert r.json()["detail"] == NUL_REFUSED
    else:
        assert r.json() == {"items": [], "next_cursor": None}
