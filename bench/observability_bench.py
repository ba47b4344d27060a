"""What the request middleware (request id, metrics, one access-log line) costs a request.

Times ``GET /healthz`` through the whole app in process, with and without
``RequestObserver``, alternately in the same run, and prints the best of each and their
ratio. The access log
goes to a JSON formatter writing to /dev/null, as in production minus the disk.

    python bench/observability_bench.py [requests]
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
import time

import httpx

from sopengine.config import Settings
from sopengine.main import create_app
from sopengine.observability.logs import JsonFormatter
from sopengine.observability.requests import RequestObserver


def _app(observed: bool, url: str) -> object:
    app = create_app(Settings(database_url=url))
    if not observed:
        app.user_middleware = [m for m in app.user_middleware if m.cls is not RequestObserver]
    return app


async def _time(app: object, requests: int) -> float:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(50):  # warm up
            await client.get("/healthz")
        started = time.perf_counter()
        for _ in range(requests):
            await client.get("/healthz")
        return time.perf_counter() - started


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("sopengine.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    rounds: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        apps = {observed: _app(observed, url) for observed in (False, True)}
        for _ in range(5):  # alternated, the best of each: the machine's noise cancels out
            for observed, app in apps.items():
                rounds[observed].append(asyncio.run(_time(app, requests)))
    bare, observed = min(rounds[False]), min(rounds[True])
    print(
        f"{requests} requests, best of 5: without middleware {bare * 1e6 / requests:.0f} µs "
        f"each, with {observed * 1e6 / requests:.0f} µs each; ratio {observed / bare:.2f}"
    )


if __name__ == "__main__":
    main()
