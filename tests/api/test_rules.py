"""The three rules tightened when the rule book was gathered, over HTTP."""

from __future__ import annotations

from tests.helpers import (
    Officials,
    action,
    bring_to,
    create_sop,
    get_version,
    ok,
    sample_content,
    sop_body,
    version_url,
)

SOPS = "/api/v1/sops"


async def test_a_drafter_creates_only_sops_its_ministry_leads(client, officials: Officials) -> None:
    moi = officials.drafter["MOI"]
    led_by_momd = await client.post(SOPS, json=sop_body(), headers=moi.headers)
    assert led_by_momd.status_code == 403
    assert "drafters of the lead ministry" in led_by_momd.json()["detail"]
    led_by_moi = await client.post(
        SOPS, json=sop_body("SOP-RR-002", lead_ministry="MOI"), headers=moi.headers
    )
    assert led_by_moi.status_code == 201, led_by_moi.text


def _without_mfa() -> dict:
    content = sample_content()
    content["procedure"][1]["steps"][0]["actor"] = "MOMD"
    return {"required_ministries": ["MOI", "MOMD"], "content": content}


async def test_only_the_lead_removes_a_required_ministry(client, officials: Officials) -> None:
    await bring_to(client, officials, "applied")
    await ok(
        client.post(
            f"{SOPS}/SOP-RR-001/versions",
            json={"change_summary": "MFA no longer acts"},
            headers=officials.drafter["MOMD"].headers,
        ),
        201,
    )
    url = version_url(number=2) + "/content"
    v2 = await get_version(client, officials.facilitator, number=2)
    mfa = officials.drafter["MFA"]
    refused = await client.put(
        url, json=_without_mfa(), headers={**mfa.headers, "If-Match": v2["etag"]}
    )
    assert refused.status_code == 403, refused.text
    assert "remove a ministry" in refused.json()["detail"]
    assert (await get_version(client, mfa, number=2))["required_ministries"] == [
        "MFA",
        "MOI",
        "MOMD",
    ]
    # Adding a ministry stays open to every drafter the version binds.
    added = await client.put(
        url,
        json={"required_ministries": ["MFA", "MOI", "MOMD", "MOP"]},
        headers={**mfa.headers, "If-Match": v2["etag"]},
    )
    assert added.status_code == 200, added.text

    lead = officials.drafter["MOMD"]
    edited = await ok(
        client.put(
            url,
            json={**_without_mfa(), "change_summary": "MFA and MOP dropped"},
            headers={**lead.headers, "If-Match": added.json()["etag"]},
        )
    )
    assert edited["required_ministries"] == ["MOI", "MOMD"]
    assert edited["change_summary"] == "MFA and MOP dropped"

    events = (
        await client.get("/api/v1/audit?sop=SOP-RR-001", headers=officials.facilitator.headers)
    ).json()["items"]
    edits = [e["details"] for e in events if e["action"] == "version.edited"]
    assert edits[0]["added_ministries"] == ["MOP"] and "removed_ministries" not in edits[0]
    assert edits[1]["removed_ministries"] == ["MFA", "MOP"]
    assert edits[1]["change_summary"] == "MFA and MOP dropped"

    diff = (
        await client.get(
            f"{SOPS}/SOP-RR-001/diff?from=1&to=2", headers=officials.facilitator.headers
        )
    ).json()
    assert diff["required_ministries"]["removed"] == ["MFA"]


async def test_comments_only_while_open_and_from_bound_ministries(
    client, officials: Officials
) -> None:
    await create_sop(client, officials.facilitator)
    comments = version_url() + "/comments"
    body = {"anchor": "purpose", "body": "Clearer, please."}
    unbound = await client.post(comments, json=body, headers=officials.reviewer["MOP"].headers)
    assert unbound.status_code == 403
    for who in (officials.reviewer["MOI"], officials.signatory["MFA"], officials.facilitator):
        assert (await client.post(comments, json=body, headers=who.headers)).status_code == 201
    await ok(action(client, officials.signatory["MOMD"], "withdraw", reason="Duplicate"))
    closed = await client.post(comments, json=body, headers=officials.reviewer["MOI"].headers)
    assert closed.status_code == 409
    assert closed.json()["state"] == "withdrawn"
    assert "comment" not in (await get_version(client, officials.facilitator))["available_actions"]


async def test_comments_refused_on_a_superseded_version(client, officials: Officials) -> None:
    await bring_to(client, officials, "superseded")
    r = await client.post(
        version_url() + "/comments",
        json={"anchor": "purpose", "body": "Too late."},
        headers=officials.facilitator.headers,
    )
    assert r.status_code == 409 and r.json()["state"] == "superseded"
