"""The key sealing stored secrets, from the command line: a new key, rotation from the
development key onto a real one, and production refusing to start without a key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from sopengine import sealing
from sopengine.config import Settings
from sopengine.db.models import WebhookSubscription
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.services import officials, webhooks
from tests.test_cli import run

pytestmark = pytest.mark.slow  # separate processes: under xdist, started first


def test_a_development_database_moves_onto_a_real_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    env = {**os.environ, "SOPENGINE_DATABASE_URL": url}
    env.pop("SOPENGINE_SECRET_KEY", None)
    assert run(["db", "upgrade"], env).returncode == 0
    settings = Settings(database_url=url, webhook_allowed_hosts="127.0.0.0/8")
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            admin = officials.create_official(
                session, None, officials.NewOfficial("Admin", ["admin"])
            )
            _, secret = webhooks.subscribe(
                session,
                settings,
                admin,
                webhooks.NewSubscription("http://127.0.0.1:9/h", ["review.due"]),
            )

        key = run(["secrets", "new-key"], env).stdout.strip()
        assert len(sealing.parse_keys(key)) == 1
        production = {**env, "SOPENGINE_MODE": "production"}
        refused = run(["db", "upgrade"], production)
        assert refused.returncode != 0 and "SOPENGINE_SECRET_KEY" in refused.stderr

        rotated = run(["secrets", "rotate"], {**env, "SOPENGINE_SECRET_KEY": key})
        assert rotated.returncode == 0, rotated.stderr
        assert rotated.stdout.startswith("1 stored secrets sealed again")
        with_key = {**production, "SOPENGINE_SECRET_KEY": key}
        again = run(["secrets", "rotate"], with_key)
        assert again.returncode == 0 and again.stdout.startswith("0 stored secrets")

        with make_sessionmaker(engine).begin() as session:
            stored = session.scalar(select(WebhookSubscription.sealed_secret))
        assert stored is not None
        real = Settings(database_url=url, mode="production", secret_key=SecretStr(key))
        assert sealing.open_webhook_secret(sealing.sealer(real), stored) == secret
        wrong = {**production, "SOPENGINE_SECRET_KEY": sealing.new_key()}
        failed = run(["secrets", "rotate"], wrong)
        assert failed.returncode == 1 and "nothing was changed" in failed.stderr
    finally:
        engine.dispose()
