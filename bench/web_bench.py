"""Server-side render time of the pages people use most, with 10,000 SOPs in PostgreSQL.

    python bench/web_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                              [--sops 10000] [--requests 60]

Builds the SOPs in a scratch schema of that database (one through the services, the rest
cloned in SQL with varied codes, areas, lead ministries and states), signs in a facilitator,
and times the SOP page, the reading view (a version with sign-offs and comments) and the
list page through the app in this process (no network), after a warm-up. Prints p50 and
p99 of each. Goal (issue 9): p50 under 50 ms for each page at 10,000 SOPs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from alembic import command
from sqlalchemy import text

from sopengine.config import Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.database import alembic_config
from tests.helpers import FAST_ARGON2, bring_to, make_officials, ok, version_url

SCHEMA = "web_bench"
CLONE = """
INSERT INTO sops (code, thematic_area, lead_ministry_code, created_at, created_by_id)
SELECT 'SOP-BN-' || lpad(n::text, 6, '0'),
       (ARRAY['return_reintegration','irregular_migration','migration_development',
              'border_management','asylum_refugees','labour_migration'])[1 + n % 6],
       (ARRAY['MFA','MOI','MOMD','MOLSA','MOP'])[1 + n % 5], now(), s.created_by_id
FROM generate_series(1, :count) AS n, (SELECT created_by_id FROM sops LIMIT 1) AS s;

INSERT INTO sop_versions (sop_id, number, state, title, languages, primary_language, content,
                          content_hash, change_summary, row_version, created_at, updated_at,
                          review_round)
SELECT s.id, 1, (ARRAY['draft','in_review','endorsed','applied','withdrawn'])[1 + s.id % 5],
       v.title, v.languages, v.primary_language, v.content, v.content_hash, 'cloned', 1,
       now(), now(), 0
FROM sops s, (SELECT * FROM sop_versions ORDER BY id LIMIT 1) v
WHERE s.code LIKE 'SOP-BN-%';

INSERT INTO sop_version_ministries (version_id, ministry_code)
SELECT v.id, m.ministry_code FROM sop_versions v
JOIN sops s ON s.id = v.sop_id AND s.code LIKE 'SOP-BN-%',
     (SELECT ministry_code FROM sop_version_ministries
      WHERE version_id = (SELECT min(id) FROM sop_versions)) m;
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(url: str, count: int, requests: int) -> None:
    base = make_engine(Settings(database_url=url))
    with base.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    scoped = f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={SCHEMA}')}"
    settings = Settings(database_url=scoped, **FAST_ARGON2)
    engine = make_engine(settings)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
    factory = make_sessionmaker(engine)
    with factory() as session:
        people = make_officials(session)
        session.commit()
    app = create_app(settings, factory)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await bring_to(client, people, "in_review")
        for i in range(10):
            await ok(client.post(version_url() + "/comments", json={"anchor": "purpose",
                     "body": f"comment {i}"}, headers=people.reviewer["MOI"].headers), 201)  # fmt: skip
        started = time.perf_counter()
        with engine.begin() as conn:
            for statement in CLONE.split(";"):
                if statement.strip():
                    conn.execute(text(statement), {"count": count - 1})
            conn.execute(text("ANALYZE"))
        print(f"{count:,} SOPs in the database ({time.perf_counter() - started:.1f} s to clone)")
        signed_in = await client.post(
            "/sign-in",
            data={"email": people.facilitator.official.email, "password": "blue river lantern 42"},
        )
        assert signed_in.status_code == 303, signed_in.text
        pages = {
            "SOP page": "/sops/SOP-RR-001",
            "reading view": "/sops/SOP-RR-001/versions/1",
            "list page": "/sops",
            "list, filtered": "/sops?thematic_area=border_management&state=applied",
        }
        print(f"{'page':<16} {'p50 ms':>8} {'p99 ms':>8}")
        for name, path in pages.items():
            for _ in range(5):
                await client.get(path)
            times = []
            for _ in range(requests):
                t = time.perf_counter()
                r = await client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, (path, r.status_code)
            print(f"{name:<16} {statistics.median(times):8.1f} {percentile(times, 0.99):8.1f}")
    engine.dispose()
    with base.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    base.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sops", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.sops, args.requests))


if __name__ == "__main__":
    main()
