"""Plain helpers for tests: officials for every role, sample content, creating SOPs."""

from __future__ import annotations

import copy
import socket
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from sopengine.db.models import Official
from sopengine.domain.roles import Kind
from sopengine.services import officials as officials_service

MINISTRIES = ("MFA", "MOI", "MOMD", "MOLSA", "MOP")


@dataclass
class Person:
    official: Official
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Officials:
    admin: Person
    facilitator: Person
    drafter: dict[str, Person] = field(default_factory=dict)
    reviewer: dict[str, Person] = field(default_factory=dict)
    signatory: dict[str, Person] = field(default_factory=dict)


PASSWORD = "blue river lantern 42"
"""Every test person's password."""
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 64, "argon2_parallelism": 1}
"""Cheap hashing parameters for the tests' settings (the real ones cost ~50 ms a check)."""
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)


def make_person(db: Session, name: str, roles: list[str], ministry: str | None = None) -> Person:
    """A person who has accepted its invitation (password ``PASSWORD``) and issued itself a
    token, the way a person's own token comes to be."""
    official = officials_service.create_official(
        db,
        None,
        officials_service.NewOfficial(
            name=name,
            roles=roles,
            ministry=ministry,
            position=f"{roles[0].title()} ({ministry or 'ICMPD'})",
            email=f"{name.lower().replace(' ', '.')}@sop.test",
        ),
    )
    official.password_hash = PASSWORD_HASH
    _, token = officials_service.issue_token(db, official, official)
    return Person(official, token)


def make_system(db: Session, name: str, ministry: str, roles: list[str]) -> Person:
    """A ministry's system with a token issued by an admin."""
    official = officials_service.create_official(
        db,
        None,
        officials_service.NewOfficial(
            name=name, roles=roles, ministry=ministry, kind=Kind.SYSTEM, position="System"
        ),
    )
    return Person(official, officials_service.token_for_system(db, None, official)[1])


def make_officials(db: Session) -> Officials:
    people = Officials(
        admin=make_person(db, "Ada Admin", ["admin"]),
        facilitator=make_person(db, "Fatima Facilitator", ["facilitator"]),
    )
    for code in MINISTRIES:
        people.drafter[code] = make_person(db, f"Drafter {code}", ["drafter"], code)
        people.reviewer[code] = make_person(db, f"Reviewer {code}", ["reviewer"], code)
        people.signatory[code] = make_person(db, f"Signatory {code}", ["signatory"], code)
    return people


def loc(en: str, ar: str) -> dict[str, str]:
    return {"en": en, "ar": ar}


SAMPLE_CONTENT: dict[str, Any] = {
    "purpose": loc("Coordinate dignified return.", "تنسيق العودة الكريمة."),
    "scope": loc("Returns from EU member states.", "حالات العودة من دول الاتحاد الأوروبي."),
    "definitions": [
        {
            "term": loc("Returnee", "العائد"),
            "definition": loc("A national who returns.", "مواطن يعود."),
        }
    ],
    "references": [
        {"title": loc("Law of the Ministry", "قانون الوزارة"), "citation": "Law 21/2009"}
    ],
    "responsibilities": [
        {"ministry": "MOMD", "duties": loc("Leads reception.", "تقود الاستقبال.")},
    ],
    "procedure": [
        {
            "id": "S1",
            "actor": "MOI",
            "supporting": ["MOMD"],
            "title": loc("Register arrival", "تسجيل الوصول"),
            "description": loc("Border police register the arrival.", "تسجل شرطة الحدود الوصول."),
            "inputs": [loc("Travel document", "وثيقة السفر")],
            "outputs": [loc("Arrival record", "سجل الوصول")],
            "time_limit": loc("24 hours", "24 ساعة"),
            "steps": [],
        },
        {
            "id": "S2",
            "actor": "MOMD",
            "supporting": [],
            "title": loc("Reintegration plan", "خطة إعادة الإدماج"),
            "description": loc("Case workers agree a plan.", "يتفق المختصون على خطة."),
            "steps": [
                {
                    "id": "S2.1",
                    "actor": "MFA",
                    "title": loc("Consular follow-up", "المتابعة القنصلية"),
                    "description": loc("Embassy shares documents.", "تشارك السفارة الوثائق."),
                }
            ],
        },
    ],
    "records": [
        {
            "name": loc("Case file", "ملف الحالة"),
            "kept_by": "MOMD",
            "retention": loc("5 years", "5 سنوات"),
        }
    ],
    "annexes": [
        {"title": loc("Referral form", "استمارة الإحالة"), "body": loc("Fields: …", "الحقول: …")}
    ],
}


def sample_content() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE_CONTENT)


def sop_body(code: str = "SOP-RR-001", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "thematic_area": "return_reintegration",
        "lead_ministry": "MOMD",
        "title": loc("Return and reintegration", "العودة وإعادة الإدماج"),
        "languages": ["en", "ar"],
        "primary_language": "en",
        "required_ministries": ["MFA", "MOI", "MOMD"],
        "content": sample_content(),
    }
    body.update(overrides)
    return body


async def create_sop(
    client: httpx.AsyncClient, person: Person, code: str = "SOP-RR-001", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/sops", json=sop_body(code, **overrides), headers=person.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def version_url(code: str = "SOP-RR-001", number: int = 1) -> str:
    return f"/api/v1/sops/{code}/versions/{number}"


async def get_version(
    client: httpx.AsyncClient, person: Person, code: str = "SOP-RR-001", number: int = 1
) -> dict[str, Any]:
    r = await client.get(version_url(code, number), headers=person.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def action(
    client: httpx.AsyncClient,
    person: Person,
    name: str,
    code: str = "SOP-RR-001",
    number: int = 1,
    **body: Any,
) -> httpx.Response:
    return await client.post(
        f"{version_url(code, number)}/actions/{name}", json=body or None, headers=person.headers
    )


async def sign(
    client: httpx.AsyncClient,
    people: Officials,
    ministry: str,
    decision: str = "approve",
    *,
    code: str = "SOP-RR-001",
    number: int = 1,
    content_hash: str | None = None,
    comment: str = "",
) -> httpx.Response:
    person = people.signatory[ministry]
    if content_hash is None:
        content_hash = (await get_version(client, person, code, number))["content_hash"]
    body = {
        "decision": decision,
        "content_hash": content_hash,
        "comment": comment,
        "password": PASSWORD,
    }
    return await client.put(
        f"{version_url(code, number)}/signoffs/{ministry}", json=body, headers=person.headers
    )


async def ok(response: httpx.Response | Any, status: int = 200) -> dict[str, Any]:
    response = await response if not isinstance(response, httpx.Response) else response
    assert response.status_code == status, response.text
    return response.json()


REQUIRED = ("MFA", "MOI", "MOMD")
"""The ministries the sample SOP binds; MOMD leads it."""


async def bring_to(
    client: httpx.AsyncClient, people: Officials, state: str, code: str = "SOP-RR-001"
) -> None:
    """Create the sample SOP and walk version 1 (and 2 for superseded) to ``state`` over HTTP."""
    await create_sop(client, people.facilitator, code)
    drafter, lead = people.drafter["MOMD"], people.signatory["MOMD"]
    if state == "draft":
        return
    if state == "withdrawn":
        await ok(action(client, lead, "withdraw", code, reason="No longer needed"))
        return
    await ok(action(client, drafter, "submit", code))
    if state == "in_review":
        return
    for ministry in REQUIRED:
        await ok(sign(client, people, ministry, code=code))
    if state == "endorsed":
        return
    await ok(action(client, lead, "apply", code, effective_date="2027-01-01"))
    if state == "applied":
        return
    assert state == "superseded", state
    await ok(
        client.post(
            f"/api/v1/sops/{code}/versions", json={"change_summary": "v2"}, headers=drafter.headers
        ),
        201,
    )
    await ok(action(client, drafter, "submit", code, 2))
    for ministry in REQUIRED:
        await ok(sign(client, people, ministry, code=code, number=2))
    await ok(action(client, lead, "apply", code, 2, effective_date="2028-01-01"))


def wait_until_healthy(
    url: str, server: subprocess.Popen[bytes], timeout: float = 60
) -> httpx.Response:
    """Poll ``url/healthz`` until the server answers 200; fail if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(f"{url}/healthz", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        assert server.poll() is None, f"the server exited with {server.returncode}"
        assert time.monotonic() < deadline, f"the server did not answer within {timeout} s"
        time.sleep(0.2)


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def token_through_invitation(url: str, link: str, email: str, password: str = PASSWORD) -> str:
    """A person's own API token, got as a person gets one: accept the invitation link,
    sign in, and issue oneself a token with the session's CSRF token."""
    with httpx.Client(base_url=url, timeout=60) as http:
        accepted = http.post(
            f"/api/v1/invitations/{link.rsplit('/', 1)[1]}/accept",
            json={"password": password, "email": email},
        )
        assert accepted.status_code == 200, accepted.text
        signed_in = http.post("/api/v1/session", json={"email": email, "password": password})
        assert signed_in.status_code == 200, signed_in.text
        issued = http.post(
            "/api/v1/me/tokens",
            json={"label": "tests"},
            headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
        )
        assert issued.status_code == 201, issued.text
        token: str = issued.json()["token"]
        return token
