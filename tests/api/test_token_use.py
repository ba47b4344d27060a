"""Recording a token's use never makes a request wait for, or hold, the token's row lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, select, text

from sopengine.config import Settings
from sopengine.db.models import ApiToken
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.main import create_app
from tests.helpers import FAST_ARGON2, make_person


@pytest.fixture
def committed(scratch_url: str) -> Iterator[tuple[Settings, Engine]]:
    """A database whose rows other connections see (the per-test transaction hides them)."""
    settings = Settings(database_url=scratch_url, token_touch_seconds=0, **FAST_ARGON2)
    engine = make_engine(settings)
    yield settings, engine
    engine.dispose()


async def test_a_request_goes_on_while_another_transaction_holds_the_token_row(
    committed: tuple[Settings, Engine],
) -> None:
    settings, engine = committed
    factory = make_sessionmaker(engine)
    with factory() as db:
        admin = make_person(db, "Ada Admin", ["admin"])
        db.commit()
        token_id = db.scalar(select(ApiToken.id).where(ApiToken.official_id == admin.official.id))
    app = create_app(settings, factory)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sopengine.test") as client:
        holder = engine.connect()
        released = threading.Event()

        def release() -> None:
            holder.rollback()
            released.set()

        if engine.dialect.name == "postgresql":
            # Another request's transaction, stuck while it holds the token's row lock (it
            # lets go after a while, so that a request that waits ends, and fails below).
            holder.execute(
                text("SELECT id FROM api_tokens WHERE id = :id FOR UPDATE"), {"id": token_id}
            )
        timer = threading.Timer(15, release)
        timer.start()
        try:
            me = await client.get("/api/v1/me", headers=admin.headers)
            assert me.status_code == 200, me.text
            assert not released.is_set(), "the request waited for the token's row lock"
        finally:
            timer.cancel()
            timer.join()
            if not released.is_set():
                release()
            holder.close()
        # Once nobody holds the row, the next request records the use.
        assert (await client.get("/api/v1/me", headers=admin.headers)).status_code == 200
    with engine.connect() as conn:
        used = conn.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))
    assert used is not None
