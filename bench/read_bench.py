"""GET of a version through the service, against a bare pass-through of the same JSON.

    python bench/read_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench_d]
                               [--connections 32] [--seconds 10] [--workers 1]

Builds one SOP from the ``return_reintegration`` template in a scratch schema, sends it to
review, records two sign-offs and ten comments, then runs, one after the other on the same
port range and with the same wrk load (``--connections`` connections):

- the service (``sopengine serve``), ``GET /api/v1/sops/SOP-RR-001/versions/1``;
- the anchor: a bare FastAPI + SQLAlchemy app (in this file, ``bare_app``) that checks the
  same bearer token against ``api_tokens`` (hash, not revoked, official active) and returns
  the version JSON the service gave, serialized once beforehand.

Prints requests per second of each and the ratio service/anchor (goal, issue 11: ≥ 0.6).
The difference is what the service does and the anchor does not: the version, its SOP and
ministries, sign-offs and comments read and turned into JSON, the available actions computed
from the rule book, the ETag.
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
from pathlib import Path
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


def _run(
    command: list[str],
    env: dict[str, str],
    port: int,
    token: str,
    args: argparse.Namespace,
    paths: tuple[str, ...] = (PATH,),
) -> list[float]:
    """Requests per second of each path, one after the other, against one server."""
    with Path(f"/tmp/read_bench_{port}.log").open("wb") as log:  # the server's output
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            _wait(port, token, process)
            _wrk(port, token, args.connections, 2)  # warm-up
            return [_wrk(port, token, args.connections, args.seconds, path) for path in paths]
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_d")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()
    token, body = asyncio.run(_prepare(args.url))
    json_file = Path(f"/tmp/read_bench_{os.getpid()}.json")
    json_file.write_bytes(body)
    scoped = _scoped(args.url)
    env = {**os.environ, "SOPENGINE_DATABASE_URL": scoped, "READ_BENCH_URL": scoped,
           "READ_BENCH_JSON": str(json_file), "PYTHONPATH": str(ROOT)}  # fmt: skip
    try:
        service, me, health = _run(
            [sys.executable, "-m", "sopengine.cli", "serve", "--no-upgrade", "--port",
             str(args.port), "--workers", str(args.workers), "--log-level", "warning"],
            env, args.port, token, args, (PATH, "/api/v1/me", "/healthz"),
        )  # fmt: skip
        (anchor,) = _run(
            [sys.executable, "-m", "uvicorn", "bench.read_bench:bare_app", "--factory",
             "--port", str(args.port + 1), "--workers", str(args.workers), "--http", "httptools",
             "--loop", "uvloop", "--log-level", "warning", "--no-access-log"],
            env, args.port + 1, token, args,
        )  # fmt: skip
    finally:
        json_file.unlink(missing_ok=True)
        engine = create_engine(args.url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        engine.dispose()
    print(f"GET version ({len(body):,} bytes of JSON), {args.connections} connections, "
          f"{args.workers} worker(s) each")  # fmt: skip
    print(f"{'service':<10} {service:9.1f} req/s")
    print(f"{'anchor':<10} {anchor:9.1f} req/s")
    print(f"{'ratio':<10} {service / anchor:9.2f}x  (goal ≥ 0.6x)")
    # What the rest costs: the service's time per request, in layers, from the same server.
    ms = {name: 1000 * args.workers / rate for name, rate in
          (("version", service), ("me", me), ("health", health), ("anchor", anchor))}  # fmt: skip
    print("\nwhere a version read's time goes (ms of one worker per request, from req/s):")
    print(f"  the app's layers, routing and HTTP (GET /healthz)   {ms['health']:6.2f}")
    print(f"  + a transaction and the token's check (GET /me)     {ms['me'] - ms['health']:6.2f}")
    print(f"  + the version: 3 reads, rule book, JSON             {ms['version'] - ms['me']:6.2f}")
    print(f"  = GET version                                       {ms['version']:6.2f}")
    print(f"  the anchor (token check, JSON already made)         {ms['anchor']:6.2f}")


if __name__ == "__main__":
    main()
