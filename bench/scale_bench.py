"""Search and lists at 1,000, 10,000 and 100,000 SOPs (PostgreSQL), and 10,000 on SQLite.

    python bench/scale_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench_d]
                                [--sizes 1000,10000,100000] [--sqlite 10000] [--requests 30]
                                [--keep]

Each size is a database of its own (a scratch schema of the PostgreSQL database given, a
temporary file for SQLite). In each, one SOP is created from the ``return_reintegration``
template through the API (and sent to review); the rest are cloned from it in SQL with
set-based ``INSERT … SELECT``: varied thematic area, lead ministry and state, 10% with a
second (draft) version, and a rare word ("zanzibar") in the titles of exactly five SOPs.

The same queries then run through the app in this process (no network, one client,
sequential requests, after a warm-up), **side by side**: request i of a query goes to every
size before request i+1, so a busy moment of the machine falls on all sizes alike. Printed:
p50 and p99 per query and size, and the ratio of the largest size's p50 to the smallest's.

Goals (issue 11): a word every SOP contains, p50 < 100 ms at 100k and 100k/1k ≤ 2; a rare
word < 20 ms; Arabic as English; list, filter, awaiting and a deep cursor page 100k/1k ≤ 1.3.
The schemas are dropped at the end unless ``--keep`` (to EXPLAIN the queries in them).
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
from contextlib import AsyncExitStack
from dataclasses import dataclass
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
        conn.execute(text("ANALYZE"))  # the search documents' statement joins the new rows
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


@dataclass
class Built:
    """One size, built and served: its client (the app over its own database) and officials."""

    size: int
    dialect: str
    client: httpx.AsyncClient
    people: Officials
    deep: str
    """The list's cursor 90% of the way through."""
    took: float


async def build(settings: Settings, engine: Engine, size: int, stack: AsyncExitStack) -> Built:
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
    factory = make_sessionmaker(engine)
    with factory() as session:
        people = make_officials(session)
        session.commit()
    app = create_app(settings, factory)
    client = await stack.enter_async_context(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=900
        )
    )
    body = sop_body("SOP-RR-001", template="return_reintegration")
    for key in ("content", "title", "required_ministries"):
        body.pop(key)
    body["required_ministries"] = ["MFA", "MOI", "MOMD", "MOLSA", "MOP"]
    await ok(client.post("/api/v1/sops", json=body, headers=people.facilitator.headers), 201)
    await ok(client.post(version_url() + "/actions/submit", headers=people.drafter["MOMD"].headers))
    with engine.connect() as conn:
        template = conn.execute(text("SELECT min(id) FROM sop_versions")).scalar_one()
    took = grow(engine, template, 1, size)
    with engine.connect() as conn:
        deep = conn.execute(
            text("SELECT id FROM sops ORDER BY id LIMIT 1 OFFSET :n"), {"n": int(size * 0.9)}
        ).scalar_one()
    print(f"built {size:,} SOPs ({engine.dialect.name}) in {took:.1f} s", flush=True)
    return Built(size, engine.dialect.name, client, people, _cursor(deep), took)


async def _timed(built: Built, path: str) -> float:
    t = time.perf_counter()
    r = await built.client.get(path, headers=built.people.facilitator.headers)
    took = (time.perf_counter() - t) * 1000
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return took


async def side_by_side(
    sizes: list[Built], requests: int, budget: float
) -> dict[str, dict[int, list[float]]]:
    """Every query at every size, interleaved: {query: {size: [ms, …]}}."""
    results: dict[str, dict[int, list[float]]] = {}
    for name, template in QUERIES.items():
        paths = {b.size: _path(template, b) for b in sizes}
        warm = [await _timed(b, paths[b.size]) for b in sizes]  # warm-up, not counted
        round_ms = sum(warm)
        count = (
            requests
            if round_ms * requests <= budget * 1000
            else max(3, int(budget * 1000 / round_ms))
        )
        times: dict[int, list[float]] = {b.size: [] for b in sizes}
        for _ in range(count):
            for b in sizes:
                times[b.size].append(await _timed(b, paths[b.size]))
        results[name] = times
    return results


def _path(template: str, built: Built) -> str:
    return f"/api/v1/sops?limit=20&cursor={built.deep}" if template == "DEEP" else template


def report(title: str, results: dict[str, dict[int, list[float]]]) -> None:
    sizes = sorted(next(iter(results.values())))
    print(f"\n{title}: p50 / p99 in ms, sizes measured side by side")
    head = "".join(f"{f'{s:,}':>17}" for s in sizes)
    label = f"{sizes[-1] // 1000}k/{sizes[0] // 1000}k" if len(sizes) > 1 else ""
    print(f"{'query':<22}{head}  {label:>9}  {'n':>3}")
    for name, times in results.items():
        cells = "".join(
            f"{statistics.median(times[s]):8.1f} /{percentile(times[s], 0.99):7.1f}" for s in sizes
        )
        ratio = statistics.median(times[sizes[-1]]) / statistics.median(times[sizes[0]])
        shown = f"{ratio:9.2f}" if len(sizes) > 1 else " " * 9
        print(f"{name:<22}{cells}  {shown}  {len(times[sizes[0]]):3d}")


def _scoped(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


async def run_postgresql(
    url: str, sizes: list[int], requests: int, budget: float, keep: bool = False
) -> None:
    base = make_engine(Settings(database_url=url))
    schemas = {size: f"{SCHEMA}_{size}" for size in sizes}
    engines = []
    try:
        async with AsyncExitStack() as stack:
            built = []
            for size, schema in schemas.items():
                with base.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                settings = Settings(database_url=_scoped(url, schema), **FAST_ARGON2)
                engines.append(engine := make_engine(settings))
                built.append(await build(settings, engine, size, stack))
            report("PostgreSQL", await side_by_side(built, requests, budget))
    finally:
        for engine in engines:
            engine.dispose()
        if keep:
            print(f"\nkept: schemas {', '.join(schemas.values())} (SET search_path = …)")
        else:
            with base.begin() as conn:
                for schema in schemas.values():
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        base.dispose()


async def run_sqlite(size: int, requests: int, budget: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", **FAST_ARGON2)
        engine = make_engine(settings)
        try:
            async with AsyncExitStack() as stack:
                built = await build(settings, engine, size, stack)
                report("SQLite", await side_by_side([built], requests, budget))
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
