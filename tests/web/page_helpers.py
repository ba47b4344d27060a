"""Browsing the pages in tests: signing in through the form, the CSRF field, a page's words."""

from __future__ import annotations

import html
import re

import httpx

from tests.helpers import PASSWORD, Person


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def text_of(page: str) -> str:
    """The page's words, without tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def sign_in(client: httpx.AsyncClient, person: Person) -> str:
    """Sign in through the page; answers the session's CSRF token."""
    r = await client.post("/sign-in", data={"email": person.official.email, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return csrf_of((await client.get("/account")).text)
