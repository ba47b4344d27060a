"""A request's statement that runs too long on PostgreSQL is cancelled and answers 503."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from sopengine.config import Settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.helpers import FAST_ARGON2, make_person


async def test_a_statement_past_the_timeout_answers_503_and_frees_the_backend(
    scratch_url: str,
) -> None:
    settings = Settings(database_url=scratch_url, statement_timeout=0.3, **FAST_ARGON2)
    other = make_engine(settings)
    with make_sessionmaker(other)() as db:
        reader = make_person(db, "Rana Reader", ["reviewer"], "MOI")
        db.commit()
    app = create_app(settings)  # its own engine, as `sopengine serve` runs it
    postgres = other.dialect.name == "postgresql"
    holder = other.connect()
    try:
        if postgres:
            # Something holds the SOP table, so the list's SELECT cannot finish in time.
            holder.execute(text("LOCK TABLE sops IN ACCESS EXCLUSIVE MODE"))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://s.test") as client:
                r = await client.get("/api/v1/sops", headers=reader.headers)
                if postgres:
                    assert r.status_code == 503, r.text
                    assert r.headers["content-type"] == "application/problem+json"
                    assert r.json()["type"].endswith("service-unavailable")
                    assert r.headers["Retry-After"] == "5"
                    holder.rollback()
                    # The connection that was cancelled serves the next request.
                    r = await client.get("/api/v1/sops", headers=reader.headers)
                # SQLite has no statement limit: the same request simply answers.
                assert r.status_code == 200, r.text
    finally:
        holder.rollback()
        holder.close()
        other.dispose()
