"""A pooled PostgreSQL connection the server has closed is replaced, not handed to a request.

The engine does not ping the server before every request (a round trip each); it checks at
checkout, without a round trip, whether the server has closed the connection.
"""

from __future__ import annotations

import time

import httpx
from sqlalchemy import Engine, text

from sopengine.config import Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.helpers import FAST_ARGON2, make_person


def _backend_pids(engine: Engine) -> set[int]:
    """The server process of every connection now in the engine's pool."""
    pids = set()
    held = [engine.connect() for _ in range(engine.pool.checkedin())]
    for conn in held:
        pids.add(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        conn.rollback()
    for conn in held:
        conn.close()
    return pids


async def test_a_connection_the_server_closed_is_replaced_at_checkout(scratch_url: str) -> None:
    settings = Settings(database_url=scratch_url, **FAST_ARGON2)
    other = make_engine(settings)
    with make_sessionmaker(other)() as db:
        reader = make_person(db, "Rana Reader", ["reviewer"], "MOI")
        db.commit()
    app = create_app(settings)
    engine: Engine = app.state.sessionmaker.kw["bind"]
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://s.test") as client:
                r = await client.get("/api/v1/sops", headers=reader.headers)
                assert r.status_code == 200, r.text
                if engine.dialect.name == "postgresql":
                    assert not engine.pool._pre_ping  # no round trip per checkout
                    pids = _backend_pids(engine)
                    assert pids
                    with other.connect() as admin:
                        for pid in pids:
                            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                    time.sleep(0.2)  # the server's farewell reaches the pooled sockets
                # Every pooled connection is dead: each request still answers.
                for _ in range(3):
                    r = await client.get("/api/v1/sops", headers=reader.headers)
                    assert r.status_code == 200, r.text
                if engine.dialect.name == "postgresql":
                    assert _backend_pids(engine).isdisjoint(pids)
    finally:
        other.dispose()
