"""GET /me on SQLite while another connection holds the write lock (issue 10, defect 3a).

    python bench/sqlite_reads_bench.py [--requests 50] [--hold 5]

Runs the app in this process on a scratch SQLite file, times GET /me with the database
idle, then again while another connection holds SQLite's write lock (an open
``BEGIN IMMEDIATE`` transaction) for ``--hold`` seconds, and prints how many answered 200,
the p50 of each and their ratio. Before the fix every request began ``IMMEDIATE`` and so
waited the whole busy timeout (30 s by default; here 2 s) and answered 500 'database is
locked'; now a read takes no lock.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from sopengine.config import Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.database import upgrade_url
from tests.helpers import FAST_ARGON2, make_person


async def timed(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> tuple[int, float]:
    ok, times = 0, []
    for _ in range(n):
        start = time.perf_counter()
        r = await client.get("/api/v1/me", headers=headers)
        times.append(time.perf_counter() - start)
        ok += r.status_code == 200
    return ok, statistics.median(times) * 1000


async def main(requests: int, hold: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        upgrade_url(url)
        settings = Settings(database_url=url, sqlite_busy_timeout_ms=2000, **FAST_ARGON2)
        engine = make_engine(settings)
        with make_sessionmaker(engine).begin() as session:
            token = make_person(session, "Reader", ["reviewer"], "MOI").token
        engine.dispose()
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=create_app(settings), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await timed(client, headers, 5)  # warm up; touches the token
            idle_ok, idle_p50 = await timed(client, headers, requests)
            writer = sqlite3.connect(path, isolation_level=None)
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE officials SET position = position")
            held_at = time.perf_counter()
            locked_ok, locked_p50 = await timed(client, headers, requests)
            took = time.perf_counter() - held_at
            await asyncio.sleep(max(0.0, hold - (time.perf_counter() - held_at)))
            writer.execute("COMMIT")
            writer.close()
    print(f"GET /me, database idle: {idle_ok}/{requests} answered 200, p50 {idle_p50:.2f} ms")
    print(
        f"GET /me, write lock held by another connection: {locked_ok}/{requests} answered 200, "
        f"p50 {locked_p50:.2f} ms, all {requests} in {took:.2f} s (lock held {hold:.1f} s)"
    )
    print(f"ratio locked/idle p50: {locked_p50 / idle_p50:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--hold", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.hold))
