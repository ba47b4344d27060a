"""Search and lists at 1,000, 10,000 and 100,000 SOPs (PostgreSQL), and 10,000 on SQLite.

    python bench/scale_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench_d]
                                [--sizes 1000,10000,100000] [--sqlite 10000] [--requests 30]

One SOP is created from the ``return_reintegration`` template through the API (and sent
to review); the rest are cloned from it in SQL with set-based ``INSERT … SELECT``: varied
thematic area, lead ministry and state, 10% with a second (draft) version, and a rare
word ("zanzibar") in the titles of exactly five SOPs at every size. The table grows from
one size to the next and the same queries run through the app in this process (no
network, one client, sequential requests, after a warm-up): p50 and p99 per query and
size, then the ratio of the largest size's p50 to the smallest's.

Goals (issue 11): a word every SOP contains, p50 < 100 ms at 100k and 100k/1k ≤ 2; a rare
word < 20 ms; Arabic as English; list, filter, awaiting and a deep cursor page 100k/1k ≤ 1.3.
PostgreSQL builds run in a scratch schema of the database given and drop it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from alembic import command
from sqlalchemy import Connection, Engine, text

from sopengine.config import Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.database import alembic_config
from tests.helpers import FAST_ARGON2, Officials, make_officials, ok, sop_body, version_url

SCHEMA = "scale_bench"
AREAS = (
    "return_reintegration",
    "irregular_migration",
    "migration_development",
    "border_management",
    "asylum_refugees",
    "labour_migration",
)
RARE = "zanzibar"
RARE_AT = (101, 203, 307, 409, 511)
"""The clone numbers whose title holds the rare word: five SOPs at every size (none of them
has a second version, so the word is in their latest text)."""


def _cursor(after: int) -> str:
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


QUERIES = {
    "search, common word": "/api/v1/sops?q=reintegration&limit=20",
    "search, rare word": f"/api/v1/sops?q={RARE}&limit=20",
    "search, Arabic word": "/api/v1/sops?q=العائدين&limit=20",
    "list": "/api/v1/sops?limit=20",
    "filter": "/api/v1/sops?thematic_area=border_management&state=applied&limit=20",
    "awaiting": "/api/v1/sops?awaiting=MOI&limit=20",
    "deep cursor page": "DEEP",
}

# --- cloning, one statement per table, per database -------------------------------------

PG_SERIES = "generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS g(n)"
SQLITE_SERIES = (
    "(WITH RECURSIVE g(n) AS (SELECT :lo UNION ALL SELECT n + 1 FROM g WHERE n < :hi) "
    "SELECT n FROM g) AS g"
)


def _clone_statements(dialect: str) -> list[str]:
    pg = dialect == "postgresql"
    series = PG_SERIES if pg else SQLITE_SERIES
    code = "'SOP-BN-' || lpad(g.n::text, 6, '0')" if pg else "printf('SOP-BN-%06d', g.n)"
    area = " ".join(f"WHEN {i} THEN '{a}'" for i, a in enumerate(AREAS))
    lead = " ".join(
        f"WHEN {i} THEN '{m}'" for i, m in enumerate(("MFA", "MOI", "MOMD", "MOLSA", "MOP"))
    )
    state = " ".join(
        f"WHEN {i} THEN '{s}'"
        for i, s in enumerate(("draft", "in_review", "endorsed", "applied", "withdrawn"))
    )
    rare_title = (
        f"jsonb_set(v.title, '{{en}}', to_jsonb((v.title->>'en') || ' {RARE}'))"
        if pg
        else f"json_set(v.title, '$.en', json_extract(v.title, '$.en') || ' {RARE}')"
    )
    rare_ids = ", ".join(map(str, RARE_AT))
    now = "now()" if pg else "CURRENT_TIMESTAMP"
    day = "DATE '{}'" if pg else "'{}'"
    bn = "s.code LIKE 'SOP-BN-%' AND s.id > :first_id"
    n_of = "CAST(substr(s.code, 8) AS INTEGER)"
    return [
        f"INSERT INTO sops (code, thematic_area, lead_ministry_code, created_at, created_by_id) "
        f"SELECT {code}, CASE g.n % 6 {area} END, CASE g.n % 5 {lead} END, {now}, "
        f"(SELECT created_by_id FROM sops WHERE code = 'SOP-RR-001') FROM {series}",
        # Version 1 of every clone; its state varies, every tenth SOP has a version 2 in draft.
        f"INSERT INTO sop_versions (sop_id, number, state, title, languages, primary_language, "
        f"content, content_hash, change_summary, row_version, created_at, updated_at, "
        f"review_round, effective_date, review_due) "
        f"SELECT s.id, 1, CASE WHEN {n_of} % 10 = 0 THEN 'applied' ELSE CASE {n_of} % 5 {state} END END, "
        f"CASE WHEN {n_of} IN ({rare_ids}) THEN {rare_title} ELSE v.title END, "
        f"v.languages, v.primary_language, v.content, v.content_hash, 'cloned', 1, {now}, {now}, "
        f"CASE WHEN {n_of} % 5 = 1 THEN 1 ELSE 0 END, "
        f"CASE WHEN {n_of} % 5 = 3 OR {n_of} % 10 = 0 THEN {day.format('2027-01-01')} END, "
        f"CASE WHEN {n_of} % 5 = 3 OR {n_of} % 10 = 0 THEN {day.format('2028-01-01')} END "
        f"FROM sops s, (SELECT * FROM sop_versions WHERE id = :template) v WHERE {bn}",
        f"INSERT INTO sop_versions (sop_id, number, state, title, languages, primary_language, "
        f"content, content_hash, change_summary, row_version, created_at, updated_at, review_round) "
        f"SELECT s.id, 2, 'draft', v.title, v.languages, v.primary_language, v.content, "
        f"v.content_hash, 'second', 1, {now}, {now}, 0 "
        f"FROM sops s, (SELECT * FROM sop_versions WHERE id = :template) v "
        f"WHERE {bn} AND {n_of} % 10 = 0",
        f"INSERT INTO sop_version_ministries (version_id, ministry_code) "
        f"SELECT v.id, m.ministry_code FROM sop_versions v JOIN sops s ON s.id = v.sop_id AND {bn}, "
        f"(SELECT ministry_code FROM sop_version_ministries WHERE version_id = :template) m",
    ]


def _search_statement(columns: list[str]) -> str:
    """The clones' search documents: the template's, its stored vector copied when there is one."""
    extra = [c for c in columns if c not in ("sop_id", "version_id", "title", "body")]
    copied = "".join(f", d.{c}" for c in extra)
    return (
        f"INSERT INTO sop_search_documents (sop_id, version_id, title, body{''.join(', ' + c for c in extra)}) "
        f"SELECT s.id, v.id, CASE WHEN v.title = t.title THEN d.title ELSE d.title || ' {RARE}' END, "
        f"d.body{copied} "
        f"FROM sops s JOIN sop_versions v ON v.sop_id = s.id "
        f"AND v.number = (SELECT max(number) FROM sop_versions w WHERE w.sop_id = s.id), "
        f"sop_search_documents d, sop_versions t "
        f"WHERE s.code LIKE 'SOP-BN-%' AND s.id > :first_id AND d.version_id = :template "
        f"AND t.id = :template"
    )


def grow(engine: Engine, template: int, have: int, want: int) -> float:
    """Clone SOPs number ``have+1`` … ``want - 1`` (the API-made SOP is the first)."""
    started = time.perf_counter()
    with engine.begin() as conn:
        dialect = conn.dialect.name
        first_id = conn.execute(text("SELECT coalesce(max(id), 0) FROM sops")).scalar_one()
        params = {"lo": have, "hi": want - 1, "template": template, "first_id": first_id}
        for statement in _clone_statements(dialect):
            conn.execute(text(statement), params)
        columns = _columns(conn, "sop_search_documents")
        gin = _drop_gin_indexes(conn) if dialect == "postgresql" else []
        if dialect == "postgresql":
            # The clones copy the template's stored vector instead of the trigger computing
            # the same one again for every row (SQLite's FTS5 triggers must run: they index).
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(_search_statement(columns)), params)
        if dialect == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = origin"))
            # The five documents with the rare word get their own vector, from the trigger.
            conn.execute(
                text(
                    "UPDATE sop_search_documents SET title = title "
                    f"WHERE sop_id > :first_id AND title LIKE '%{RARE}'"
                ),
                params,
            )
        for definition in gin:
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            conn.execute(text(definition))
    # Settle the new rows (visibility map, statistics) before measuring, rather than have
    # autovacuum do it while the queries are timed.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


def _columns(conn: Connection, table: str) -> list[str]:
    if conn.dialect.name == "sqlite":
        return [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))]
    return list(
        conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :t"
            ),
            {"t": table},
        ).scalars()
    )


def _drop_gin_indexes(conn: Connection) -> list[str]:
    """Drop the search table's GIN indexes (rebuilt after the bulk insert, much faster)."""
    rows = conn.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'sop_search_documents' AND indexdef LIKE '%USING gin%'"
        )
    ).all()
    for name, _ in rows:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _, definition in rows]


# --- measuring ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    client: httpx.AsyncClient, people: Officials, path: str, requests: int, budget: float
) -> tuple[float, float, int]:
    """p50 and p99 in ms of ``path`` (fewer requests when one takes longer than ``budget``)."""
    headers = people.facilitator.headers
    first = time.perf_counter()
    await ok(client.get(path, headers=headers))  # warm-up
    took = time.perf_counter() - first
    count = requests if took * requests <= budget else max(1, int(budget / max(took, 1e-3)))
    times = []
    for _ in range(count):
        t = time.perf_counter()
        r = await client.get(path, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return statistics.median(times), percentile(times, 0.99), count


async def bench(
    settings: Settings, engine: Engine, sizes: list[int], requests: int, budget: float
) -> dict[int, dict[str, float]]:
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
    factory = make_sessionmaker(engine)
    with factory() as session:
        people = make_officials(session)
        session.commit()
    app = create_app(settings, factory)
    results: dict[int, dict[str, float]] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", timeout=900
    ) as client:
        body = sop_body("SOP-RR-001", template="return_reintegration")
        for key in ("content", "title", "required_ministries"):
            body.pop(key)
        body["required_ministries"] = ["MFA", "MOI", "MOMD", "MOLSA", "MOP"]
        await ok(client.post("/api/v1/sops", json=body, headers=people.facilitator.headers), 201)
        await ok(client.post(version_url() + "/actions/submit",
                             headers=people.drafter["MOMD"].headers))  # fmt: skip
        with engine.connect() as conn:
            template = conn.execute(text("SELECT min(id) FROM sop_versions")).scalar_one()
        have = 1
        for size in sizes:
            took = grow(engine, template, have, size)
            have = size
            with engine.connect() as conn:
                deep = conn.execute(
                    text("SELECT id FROM sops ORDER BY id LIMIT 1 OFFSET :n"),
                    {"n": int(size * 0.9)},
                ).scalar_one()
            print(f"\n{size:,} SOPs ({engine.dialect.name}, {took:.1f} s to clone)", flush=True)
            print(f"{'query':<22} {'p50 ms':>9} {'p99 ms':>9} {'n':>4}", flush=True)
            results[size] = {}
            for name, path in QUERIES.items():
                if path == "DEEP":
                    path = f"/api/v1/sops?limit=20&cursor={_cursor(deep)}"
                p50, p99, n = await measure(client, people, path, requests, budget)
                results[size][name] = p50
                print(f"{name:<22} {p50:9.1f} {p99:9.1f} {n:4d}", flush=True)
    return results


def ratios(results: dict[int, dict[str, float]]) -> None:
    small, large = min(results), max(results)
    if small == large:
        return
    print(f"\np50 ratio {large:,}/{small:,}")
    for name in QUERIES:
        print(f"{name:<22} {results[large][name] / results[small][name]:9.2f}")


async def run_postgresql(
    url: str, sizes: list[int], requests: int, budget: float, keep: bool = False
) -> None:
    base = make_engine(Settings(database_url=url))
    with base.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    scoped = f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={SCHEMA}')}"
    settings = Settings(database_url=scoped, **FAST_ARGON2)
    engine = make_engine(settings)
    try:
        ratios(await bench(settings, engine, sizes, requests, budget))
    finally:
        engine.dispose()
        if keep:
            print(f"\nkept: schema {SCHEMA} (psql: SET search_path = {SCHEMA})")
        else:
            with base.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        base.dispose()


async def run_sqlite(size: int, requests: int, budget: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", **FAST_ARGON2)
        engine = make_engine(settings)
        try:
            await bench(settings, engine, [size], requests, budget)
        finally:
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_d")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--sqlite", type=int, default=10_000, help="0 to skip SQLite")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated query names (default: all)")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds per query and size at most"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL schema (to EXPLAIN its queries)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        for name in [n for n in QUERIES if n not in wanted]:
            del QUERIES[name]
    if sizes:
        asyncio.run(run_postgresql(args.url, sizes, args.requests, args.budget, args.keep))
    if args.sqlite:
        asyncio.run(run_sqlite(args.sqlite, args.requests, args.budget))


if __name__ == "__main__":
    main()
