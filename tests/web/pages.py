"""Helpers for page tests: signing in through the sign-in page, a page's CSRF field and
words, and the workflow actions a page offers."""

from __future__ import annotations

import html
import re

import httpx

from tests.helpers import PASSWORD, Person

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def text_of(page: str) -> str:
    """The page's words, without tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def sign_in(client: httpx.AsyncClient, person: Person) -> str:
    """Sign in through the page as a person would; answers the session's CSRF token."""
    client.cookies.clear()
    r = await client.post(
        "/sign-in", data={"email": person.official.email, "password": PASSWORD, "next": "/"}
    )
    assert r.status_code == 303, r.text
    return csrf_of((await client.get("/account")).text)


def buttons(page: str) -> list[str]:
    """The workflow actions a page offers, by the links it shows."""
    offered = re.findall(r'/versions/\d+/(edit|sign|action/\w+)"', page)
    names = {"sign": "signoff"}
    return [names.get(o, o.removeprefix("action/")) for o in offered]
