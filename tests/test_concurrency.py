"""Five ministries signing at the same moment, against a real server with two worker processes.

Runs on the same backend as the rest of the suite, in a scratch database (``scratch_url``). Every round must end endorsed, with exactly one endorsement and
five counted approvals, and the audit chain must verify at the end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.helpers import (
    free_port,
    loc,
    sample_content,
    token_through_invitation,
    wait_until_healthy,
)

ROUNDS = 50
MINISTRIES = ("MFA", "MOI", "MOMD", "MOLSA", "MOP")


pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


@dataclass
class LiveServer:
    url: str
    admin: dict[str, str]


@pytest.fixture
def live_server(scratch_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    tmp = tmp_path
    env = {**os.environ, "SOPENGINE_DATABASE_URL": scratch_url}
    cli = [sys.executable, "-m", "sopengine.cli"]
    made = subprocess.run(
        [*cli, "officials", "create", "--name", "Admin", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    link = made.stdout.strip().splitlines()[-1]
    port = free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [
            *cli,
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--no-upgrade",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server)
        token = token_through_invitation(url, link, "admin@sop.test")
        yield LiveServer(url, {"Authorization": f"Bearer {token}"})
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


async def _official(
    client: httpx.AsyncClient, admin: dict[str, str], **body: object
) -> dict[str, str]:
    """A ministry's system (token issued by the admin) or a person (through its invitation)."""
    r = await client.post("/api/v1/officials", json=body, headers=admin)
    assert r.status_code == 201, r.text
    made = r.json()
    if made["kind"] == "system":
        return {"Authorization": f"Bearer {made['token']}"}
    token = token_through_invitation(str(client.base_url), made["invitation_url"], made["email"])
    return {"Authorization": f"Bearer {token}"}


async def test_five_simultaneous_approvals_endorse_exactly_once(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        admin = live_server.admin
        facilitator = await _official(
            client, admin, name="Fatima", email="f@sop.test", roles=["facilitator"]
        )
        # Ministries' systems sign with their tokens: the race is on the database, not on
        # password hashing.
        signatories = {
            m: await _official(
                client, admin, name=f"{m} system", roles=["signatory"], ministry=m, kind="system"
            )
            for m in MINISTRIES
        }
        content = sample_content()
        content["procedure"][0]["supporting"] = ["MOMD", "MOLSA", "MOP"]

        for round_ in range(ROUNDS):
            code = f"SOP-RACE-{round_:03d}"
            body = {
                "code": code,
                "thematic_area": "whole_of_government",
                "lead_ministry": "MOP",
                "title": loc("Race", "سباق"),
                "languages": ["en", "ar"],
                "primary_language": "en",
                "required_ministries": list(MINISTRIES),
                "content": content,
            }
            created = await client.post("/api/v1/sops", json=body, headers=facilitator)
            assert created.status_code == 201, created.text
            base = f"/api/v1/sops/{code}/versions/1"
            submitted = await client.post(f"{base}/actions/submit", headers=facilitator)
            assert submitted.status_code == 200, submitted.text
            content_hash = submitted.json()["content_hash"]

            answers = await asyncio.gather(
                *(
                    client.put(
                        f"{base}/signoffs/{m}",
                        headers=signatories[m],
                        json={"decision": "approve", "content_hash": content_hash},
                    )
                    for m in MINISTRIES
                )
            )
            assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]

            version = (await client.get(base, headers=facilitator)).json()
            assert version["state"] == "endorsed", round_
            assert [s["status"] for s in version["signoffs"]] == ["approved"] * 5
            events = (
                await client.get("/api/v1/audit", params={"sop": code}, headers=admin)
            ).json()["items"]
            actions = [e["action"] for e in events]
            assert actions == [
                "sop.created",
                "version.submit",
                *["signoff.recorded"] * len(MINISTRIES),
                "version.endorse",
            ], round_

        report = (await client.get("/api/v1/audit/verify", headers=admin)).json()
        assert report["ok"] is True, report
        # Each person: created, invited, invitation accepted, signed in, token issued; each
        # system: created, token issued. Then each round's: created, submitted, one per
        # sign-off, endorsed.
        officials_made = 5 * 2 + 2 * len(MINISTRIES)
        assert report["events_checked"] == officials_made + ROUNDS * (3 + len(MINISTRIES))
