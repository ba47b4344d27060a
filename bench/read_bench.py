"""GET of a version through the service, against a bare pass-through of the same JSON.

    python bench/read_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench_d]
                               [--connections 32] [--seconds 5] [--rounds 5] [--workers 1]

Builds one SOP from the ``return_reintegration`` template in a scratch schema, sends it to
review, records two sign-offs and ten comments, then starts three servers side by side:

- the service (``sopengine serve``), ``GET /api/v1/sops/SOP-RR-001/versions/1``;
- the anchor: a bare FastAPI + SQLAlchemy app (in this file, ``bare_app``) that checks the
  same bearer token against ``api_tokens`` (hash, not revoked, official active) and returns
  the version JSON the service gave, serialized once beforehand;
- the service again with its version cache off (``SOPENGINE_VERSION_CACHE_MB=0``):
  every read built anew.

Each round loads them in turn with the same wrk load (``--connections`` connections), then
the service's ``/api/v1/me`` and ``/healthz``. Prints requests per second of each, the
ratio service/anchor of every round and its median (goal, issue 11: ≥ 0.6), and where the
service's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHEMA = "read_bench"
PATH = "/api/v1/sops/SOP-RR-001/versions/1"


def bare_app() -> FastAPI:
    """The anchor: token check plus pre-serialized JSON (env: READ_BENCH_URL, READ_BENCH_JSON)."""
    engine = create_engine(os.environ["READ_BENCH_URL"], pool_size=10, max_overflow=20)
    body = Path(os.environ["READ_BENCH_JSON"]).read_bytes()
    app = FastAPI()
    check = text(
        "SELECT o.id FROM api_tokens t JOIN officials o ON o.id = t.official_id "
        "WHERE t.token_hash = :h AND t.revoked_at IS NULL AND o.active"
    )

    @app.get(PATH)
    def version(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with engine.connect() as conn:
            found = conn.execute(check, {"h": hashlib.sha256(token.encode()).hexdigest()}).first()
        if found is None:
            return JSONResponse({"title": "Unauthorized"}, status_code=401)
        return Response(body, media_type="application/json")

    return app


async def _prepare(url: str) -> tuple[str, bytes]:
    """The scratch schema with the SOP; the facilitator's token and the version's JSON."""
    from sopengine.config import Settings
    from sopengine.db.session import make_engine, make_sessionmaker
    from sopengine.main import create_app
    from tests.database import upgrade
    from tests.helpers import FAST_ARGON2, make_officials, ok, sign, sop_body, version_url

    base = make_engine(Settings(database_url=url))
    with base.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    base.dispose()
    settings = Settings(database_url=_scoped(url), **FAST_ARGON2)
    engine = make_engine(settings)
    with engine.connect() as conn:
        upgrade(conn)
    factory = make_sessionmaker(engine)
    with factory() as session:
        people = make_officials(session)
        session.commit()
    app = create_app(settings, factory)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = sop_body("SOP-RR-001", template="return_reintegration")
        for key in ("content", "title", "required_ministries"):
            body.pop(key)
        body["required_ministries"] = ["MFA", "MOI", "MOMD", "MOLSA", "MOP"]
        await ok(client.post("/api/v1/sops", json=body, headers=people.facilitator.headers), 201)
        await ok(client.post(version_url() + "/actions/submit",
                             headers=people.drafter["MOMD"].headers))  # fmt: skip
        for ministry in ("MOI", "MFA"):
            await ok(sign(client, people, ministry))
        for i in range(10):
            await ok(client.post(version_url() + "/comments", json={"anchor": "purpose",
                     "body": f"comment {i}"}, headers=people.reviewer["MOI"].headers), 201)  # fmt: skip
        served = await client.get(PATH, headers=people.facilitator.headers)
        assert served.status_code == 200, served.text
    engine.dispose()
    return people.facilitator.token, served.content


def _scoped(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={SCHEMA}')}"


_UNCACHED = {"SOPENGINE_VERSION_CACHE_MB": "0", "SOPENGINE_DB_POOL_SIZE": "20"}
"""The service with the version cache off: every read built anew. A smaller pool, so that
the three servers stay under PostgreSQL's default 100 connections."""


def _wait(port: int, token: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            r = httpx.get(
                f"http://127.0.0.1:{port}{PATH}", headers={"Authorization": f"Bearer {token}"}
            )
            if r.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def _wrk(port: int, token: str, connections: int, seconds: int, path: str = PATH) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise RuntimeError(out)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


@contextmanager
def _server(command: list[str], env: dict[str, str], port: int, token: str) -> Iterator[None]:
    with Path(f"/tmp/read_bench_{port}.log").open("wb") as log:  # the server's output
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            _wait(port, token, process)
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_d")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()
    token, body = asyncio.run(_prepare(args.url))
    json_file = Path(f"/tmp/read_bench_{os.getpid()}.json")
    json_file.write_bytes(body)
    scoped = _scoped(args.url)
    env = {**os.environ, "SOPENGINE_DATABASE_URL": scoped, "READ_BENCH_URL": scoped,
           "READ_BENCH_JSON": str(json_file), "PYTHONPATH": str(ROOT)}  # fmt: skip
    service_port, anchor_port, uncached_port = args.port, args.port + 1, args.port + 2
    serve = [sys.executable, "-m", "sopengine.cli", "serve", "--no-upgrade", "--workers",
             str(args.workers), "--log-level", "warning", "--port"]  # fmt: skip
    # Both servers run through the whole measurement and are loaded in turn, round after
    # round: a busy moment of a shared machine falls on one round of both, not on one side.
    measured: dict[str, list[float]] = {n: [] for n in ("version", "anchor", "uncached", "me",
                                                         "health")}  # fmt: skip
    try:
        with (
            _server([*serve, str(service_port)], env, service_port, token),
            _server([*serve, str(uncached_port)], env | _UNCACHED,
                    uncached_port, token),
            _server([sys.executable, "-m", "uvicorn", "bench.read_bench:bare_app", "--factory",
                     "--port", str(anchor_port), "--workers", str(args.workers), "--http",
                     "httptools", "--loop", "uvloop", "--log-level", "warning",
                     "--no-access-log"], env, anchor_port, token),
        ):  # fmt: skip
            for port in (service_port, anchor_port, uncached_port):  # warm-up
                _wrk(port, token, args.connections, 2)
            for _ in range(args.rounds):
                for name, port, path in (
                    ("version", service_port, PATH),
                    ("anchor", anchor_port, PATH),
                    ("uncached", uncached_port, PATH),
                    ("me", service_port, "/api/v1/me"),
                    ("health", service_port, "/healthz"),
                ):
                    measured[name].append(_wrk(port, token, args.connections, args.seconds, path))
    finally:
        json_file.unlink(missing_ok=True)
        engine = create_engine(args.url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        engine.dispose()
    _report(args, len(body), measured)


def _report(args: argparse.Namespace, size: int, measured: dict[str, list[float]]) -> None:
    ratios = [v / a for v, a in zip(measured["version"], measured["anchor"], strict=True)]
    print(f"GET version ({size:,} bytes of JSON), {args.connections} connections, "
          f"{args.workers} worker(s) each, {args.rounds} rounds of {args.seconds} s")  # fmt: skip
    print("round      " + " ".join(f"{i + 1:>8}" for i in range(args.rounds)))
    for name in ("version", "anchor", "uncached"):
        print(f"{name:<10} " + " ".join(f"{r:8.1f}" for r in measured[name]) + "  req/s")
    print("ratio      " + " ".join(f"{r:8.2f}" for r in ratios))
    print(f"\nratio service/anchor, median of the rounds: {median(ratios):.2f}x  (goal ≥ 0.6x)")
    cold = [u / a for u, a in zip(measured["uncached"], measured["anchor"], strict=True)]
    print(f"with the version cache off (every read built anew):  {median(cold):.2f}x")
    # What the rest costs: the service's time per request, in layers, from the same server.
    ms = {name: 1000 * args.workers / median(rates) for name, rates in measured.items()}
    print("\nwhere a version read's time goes (ms of one worker per request, median req/s):")
    print("  the app's layers, routing, HTTP and one trip to the thread pool")
    print(f"    (GET /healthz)                                         {ms['health']:6.2f}")
    print("  + the token's check with the audit log's head (one")
    print(f"    statement), the cache's answer                         "
          f"{ms['version'] - ms['health']:6.2f}")  # fmt: skip
    print(f"  = GET version                                          {ms['version']:6.2f}")
    print("  + the version's reads, the rule book and the JSON when")
    print(f"    nothing is cached (cache off)                          "
          f"{ms['uncached'] - ms['version']:6.2f}")  # fmt: skip
    print(f"  = GET version with the cache off                       {ms['uncached']:6.2f}")
    print(f"  the anchor (token check, JSON already made)            {ms['anchor']:6.2f}")
    print(f"  GET /api/v1/me (any other endpoint's dependencies)     {ms['me']:6.2f}")


if __name__ == "__main__":
    main()
