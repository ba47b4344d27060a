"""On an intranet with no internet: nothing the service serves loads from another host."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import httpx

from tests.helpers import PASSWORD, Officials, bring_to

BASE = "http://sopengine.test"
_ABSOLUTE = re.compile(r"""https?://[^\s"'<>)]+""")
_LINK = re.compile(r"""(?:href|src|action|spec-url)\s*=\s*["']([^"']+)["']""")
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')]+)""")
_NAMESPACES = ("http://www.w3.org/",)
"""XML namespace names in inline SVG: identifiers, never fetched."""


def _elsewhere(url: str) -> bool:
    if url.startswith(("data:", "#", "mailto:")) or url.startswith(_NAMESPACES):
        return False
    return urlsplit(urljoin(BASE + "/", url)).netloc != "sopengine.test"


def other_hosts(body: str) -> list[str]:
    """Every URL in a page or stylesheet (links, sources, CSS url() and @import, and any
    absolute URL in the text) that points away from the service."""
    urls = _LINK.findall(body) + _CSS_URL.findall(body) + _ABSOLUTE.findall(body)
    return [url for url in urls if _elsewhere(url)]


async def test_api_documentation_assets_are_served_here(client: httpx.AsyncClient) -> None:
    for page, assets in (
        ("/docs", {"/static/docs/swagger-ui-bundle.js", "/static/docs/swagger-ui.css"}),
        ("/redoc", {"/static/docs/redoc.standalone.js"}),
    ):
        html = (await client.get(page)).text
        assert other_hosts(html) == [], page
        assert assets | {"/static/favicon.svg"} <= set(_LINK.findall(html))
        for asset in assets:
            served = await client.get(asset)
            assert served.status_code == 200 and len(served.content) > 100_000, asset
    assert (await client.get("/openapi.json")).status_code == 200
    swagger = (await client.get("/docs")).text
    assert '"validatorUrl": null' in swagger  # no call to validator.swagger.io


async def test_no_page_references_another_host(
    client: httpx.AsyncClient, officials: Officials
) -> None:
    """Walk every page reachable by links (signed out, then signed in as an admin who can
    see the most), and every stylesheet they use."""
    await bring_to(client, officials, "applied")
    pages = await crawl(client, ["/sign-in", "/docs", "/redoc", "/no-such-page"])
    signed = await client.post(
        "/api/v1/session",
        json={"email": officials.facilitator.official.email, "password": PASSWORD},
    )
    assert signed.status_code == 200
    pages |= await crawl(client, ["/", "/sops/SOP-RR-001", "/sops/SOP-RR-001/versions/1"])
    assert len(pages) >= 10, sorted(pages)
    for path, body in pages.items():
        assert other_hosts(body) == [], path


async def crawl(client: httpx.AsyncClient, start: list[str], limit: int = 60) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        answer = await client.get(path)
        kind = answer.headers.get("content-type", "")
        if not kind.startswith(("text/html", "text/css")):
            continue
        seen[path] = answer.text
        for link in _LINK.findall(answer.text):
            target = urlsplit(urljoin(BASE + path, link))
            if target.netloc == "sopengine.test" and "sign-out" not in target.path:
                queue.append(target.path)
    return seen
