"""A real browser (Debian's Chromium through Playwright) against the service running in a
thread of the test process (so coverage sees the pages), on a scratch database."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from sopengine.config import PROJECT_ROOT, Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.helpers import FAST_ARGON2, free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("SOPENGINE_SCREENSHOTS", PROJECT_ROOT / "build" / "screenshots"))

pytestmark = pytest.mark.browser


@dataclass
class LiveApp:
    url: str
    settings: Settings
    factory: object


@pytest.fixture
def live_app(scratch_url: str) -> Iterator[LiveApp]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=scratch_url, public_url=url, **FAST_ARGON2)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, factory), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield LiveApp(url, settings, factory)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API runs an event loop in this thread while it is
    open, which the async tests that follow must not find running."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


def new_page(browser: Browser, app: LiveApp, lang: str = "en") -> Page:
    """A page in a fresh browser context (one official each), failing on any request that
    leaves the service."""
    context = browser.new_context(
        locale="ar-IQ" if lang == "ar" else "en-GB",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    strays: list[str] = []
    page.on(
        "request",
        lambda request: (
            strays.append(request.url)
            if not request.url.startswith((app.url, "data:", "blob:"))
            else None
        ),
    )
    page.strays = strays  # type: ignore[attr-defined]
    return page


def screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
