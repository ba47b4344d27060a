"""The audit log's page: who may read it, the SOP filter, paging, verifying the chain."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from sopengine.db.models import AuditEvent
from sopengine.domain.audit_chain import ChainReport
from sopengine.web import audit_view
from sopengine.web.routes import audit as audit_pages
from tests.helpers import Officials, bring_to
from tests.web.pages import sign_in, text_of


@pytest.mark.parametrize("role", ["reviewer", "drafter", "signatory"])
async def test_ministry_officials_may_not_read_the_audit_log(
    client, officials: Officials, role: str
) -> None:
    await sign_in(client, getattr(officials, role)["MOI"])
    r = await client.get("/audit")
    assert r.status_code == 403 and "read by facilitators and admins" in r.text
    home = await client.get("/")
    assert 'href="/audit"' not in home.text and 'href="/officials"' not in home.text


async def test_the_audit_log_filtered_and_paged(
    client, officials: Officials, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bring_to(client, officials, "in_review")
    await sign_in(client, officials.facilitator)
    home = await client.get("/")
    assert 'href="/audit"' in home.text and 'href="/officials"' not in home.text
    r = await client.get("/audit")
    assert r.status_code == 200
    words = text_of(r.text)
    assert "Official created" in words and "Drafter MOI" in words

    r = await client.get("/audit", params={"sop": "sop-rr-001"})
    assert r.status_code == 200
    words = text_of(r.text)
    assert "SOP created" in words and "Submitted for review" in words
    assert "Official created" not in words
    assert 'href="/sops/SOP-RR-001/versions/1"' in r.text
    assert "Fatima Facilitator" in words and "Drafter MOMD" in words

    monkeypatch.setattr(audit_pages, "PAGE_SIZE", 1)
    first = await client.get("/audit", params={"sop": "SOP-RR-001"})
    assert "SOP created" in text_of(first.text) and "Submitted" not in text_of(first.text)
    more = re.search(r'href="(/audit\?sop=SOP-RR-001&amp;cursor=[^"]+)"', first.text)
    assert more, "a next page link"
    second = await client.get(html.unescape(more.group(1)))
    assert second.status_code == 200
    assert "Submitted for review" in text_of(second.text)
    assert "SOP created" not in text_of(second.text)


async def test_verifying_the_chain(client, officials: Officials, db: Session) -> None:
    await bring_to(client, officials, "draft")
    csrf = await sign_in(client, officials.admin)
    r = await client.post("/audit/verify", data={"csrf_token": csrf})
    assert r.status_code == 200
    assert 'class="notice ok"' in r.text and "The chain is intact" in text_of(r.text)

    assert (await client.post("/audit/verify", data={})).status_code == 403

    db.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(action="official.renamed"))
    db.commit()
    r = await client.post("/audit/verify", data={"csrf_token": csrf})
    words = text_of(r.text)
    assert 'class="notice bad"' in r.text and "The chain is broken at event 2" in words
    assert "its content does not match its hash" in words


def test_event_details_are_labelled_and_typed() -> None:
    event = AuditEvent(
        action="x",
        details={
            "official_id": 3,
            "from": "draft",
            "to": "in_review",
            "ministry": "MOI",
            "approvals": ["MFA", "MOI"],
            "roles": ["drafter"],
            "decision": "approve",
            "kind": "system",
            "expires_at": "2027-01-05T10:00:00+00:00",
            "respond_by": "2027-01-05",
            "effective_date": "soon",
            "reset": True,
            "review_round": 2,
            "content_hash": "ab" * 32,
            "reason": "No longer needed",
            "template": None,
            "odd_key": {"b": 1},
            "events": [1, 2],
        },
    )
    shown = {d.label: (d.kind, d.value) for d in audit_view.details(event)}
    assert list(shown)[:3] == ["Official", "Kind", "Roles"]
    assert shown["Official"] == ("official", 3) and shown["From"] == ("state", "draft")
    assert shown["Ministry"] == ("ministry", "MOI") and shown["Kind"] == ("word", "System")
    assert shown["Approved by"][0] == "ministries" and shown["Decision"][0] == "decision"
    assert shown["Expires"][0] == "moment" and shown["Answer by"][0] == "day"
    assert shown["In force from"] == ("text", "soon") and shown["Password reset"][0] == "yes_no"
    assert shown["Review round"] == ("number", 2) and shown["Content hash"][0] == "hash"
    assert shown["odd key"] == ("text", '{"b": 1}') and shown["events"] == ("text", "1, 2")
    assert "Template" not in shown
    assert audit_view.version_url(AuditEvent(sop_code="SOP-X")) == "/sops/SOP-X"
    assert audit_view.version_url(AuditEvent()) is None
    gap = ChainReport(False, 3, 3, "expected event 2 (a gap)")
    assert "gap" in (audit_view.chain_reason(gap) or "")
    assert audit_view.chain_reason(ChainReport(True, 3, None)) is None


async def test_verifying_is_for_auditors_only(client, officials: Officials) -> None:
    csrf = await sign_in(client, officials.reviewer["MFA"])
    r = await client.post("/audit/verify", data={"csrf_token": csrf})
    assert r.status_code == 403
