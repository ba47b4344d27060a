"""Helpers for page tests: signing in through the sign-in page, reading CSRF tokens."""

from __future__ import annotations

import re

import httpx

from tests.helpers import PASSWORD, Person

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def web_sign_in(client: httpx.AsyncClient, person: Person) -> str:
    """Sign in as a person would, and answer the CSRF token the pages put in their forms."""
    client.cookies.clear()
    r = await client.post(
        "/sign-in", data={"email": person.official.email, "password": PASSWORD, "next": "/"}
    )
    assert r.status_code == 303, r.text
    home = await client.get("/")
    found = CSRF.search(home.text)
    assert found, home.text[:500]
    return found.group(1)


def buttons(html: str) -> list[str]:
    """The workflow actions a page offers, by the links it shows."""
    offered = re.findall(r'/versions/\d+/(edit|sign|action/\w+)"', html)
    names = {"sign": "signoff"}
    return [names.get(o, o.removeprefix("action/")) for o in offered]
