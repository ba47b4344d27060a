"""Secrets are shown once and never kept in plain text: a replay under the same
Idempotency-Key answers the resource without its secret, and webhook signing secrets are
stored sealed with SOPENGINE_SECRET_KEY."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine import sealing
from sopengine.config import Settings
from sopengine.db.models import IdempotencyKey, WebhookSubscription
from sopengine.main import create_app
from sopengine.services import webhooks
from tests.helpers import Officials, Person, make_system

HOOK = {"url": "http://127.0.0.1:9/hook", "event_types": ["version.endorsed"]}


async def twice(
    client: httpx.AsyncClient, person: Person, url: str, body: Any, key: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    headers = {**person.headers, "Idempotency-Key": key}
    first = await client.post(url, json=body, headers=headers)
    again = await client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["Idempotent-Replayed"] == "true"
    return first.json(), again.json()


def kept_answers(db: Session) -> str:
    db.expire_all()
    return json.dumps([row.response_body for row in db.scalars(select(IdempotencyKey))])


async def test_a_replay_answers_the_same_resource_without_its_secret(
    client, officials: Officials, db: Session
) -> None:
    admin = officials.admin
    system = {
        "name": "MOI border system",
        "kind": "system",
        "ministry": "MOI",
        "roles": ["reviewer"],
    }
    person = {"name": "Huda", "email": "huda@mop.gov.iq", "ministry": "MOP", "roles": ["reviewer"]}
    made, replayed = await twice(client, admin, "/api/v1/officials", system, "sys-1")
    assert made["token"].startswith("sope_") and made["withheld"] == []
    assert replayed["id"] == made["id"] and replayed["token"] is None
    assert replayed["withheld"] == ["token"] and "never stored" in replayed["withheld_detail"]
    invited, replayed_invite = await twice(client, admin, "/api/v1/officials", person, "per-1")
    assert "/invite/" in invited["invitation_url"]
    assert replayed_invite["invitation_url"] is None
    assert replayed_invite["withheld"] == ["invitation_url"]

    tokens = f"/api/v1/officials/{made['id']}/tokens"
    issued, replayed_token = await twice(client, admin, tokens, None, "tok-1")
    assert replayed_token["token"] is None and replayed_token["token_id"] == issued["token_id"]
    again = f"/api/v1/officials/{invited['id']}/invitation"
    link, replayed_link = await twice(client, admin, again, None, "inv-1")
    assert replayed_link["invitation_url"] is None and replayed_link["withheld"] == [
        "invitation_url"
    ]
    hook, replayed_hook = await twice(client, admin, "/api/v1/webhooks", HOOK, "hook-1")
    assert hook["secret"].startswith("whsec_")
    assert replayed_hook["id"] == hook["id"] and replayed_hook["secret"] is None

    stored = kept_answers(db)
    for secret in (
        made["token"],
        invited["invitation_url"],
        issued["token"],
        link["invitation_url"],
        hook["secret"],
    ):
        assert secret not in stored
    assert "sope_" not in stored and "whsec_" not in stored and "/invite/" not in stored


async def test_a_persons_own_token_is_not_kept_either(
    client, officials: Officials, db: Session
) -> None:
    person = officials.reviewer["MOI"]
    r = await client.post(
        "/api/v1/session",
        json={"email": person.official.email, "password": "blue river lantern 42"},
    )
    csrf = r.json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf, "Idempotency-Key": "own-1"}
    first = await client.post("/api/v1/me/tokens", json={"label": "laptop"}, headers=headers)
    again = await client.post("/api/v1/me/tokens", json={"label": "laptop"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["token"] is None
    assert first.json()["token"] not in kept_answers(db)


async def test_a_webhook_secret_is_stored_sealed(
    client, officials: Officials, db: Session, settings: Settings
) -> None:
    r = await client.post("/api/v1/webhooks", json=HOOK, headers=officials.admin.headers)
    secret = r.json()["secret"]
    stored = db.scalar(select(WebhookSubscription.sealed_secret))
    assert stored is not None and stored.startswith(sealing.VERSION)
    assert secret not in stored and secret.removeprefix("whsec_") not in stored
    assert sealing.open_webhook_secret(sealing.sealer(settings), stored) == secret


def test_rotation_reseals_with_the_first_key(db: Session, officials: Officials) -> None:
    old, new = sealing.new_key(), sealing.new_key()
    before = Settings(
        mode="production", secret_key=SecretStr(old), webhook_allowed_hosts="127.0.0.0/8"
    )
    sub, secret = webhooks.subscribe(
        db, before, officials.admin.official, webhooks.NewSubscription(HOOK["url"], ["review.due"])
    )
    rotating = Settings(mode="production", secret_key=SecretStr(f"{new},{old}"))
    assert webhooks.reseal_secrets(db, rotating) == 1
    after = Settings(mode="production", secret_key=SecretStr(new))
    assert sealing.open_webhook_secret(sealing.sealer(after), sub.sealed_secret) == secret
    with pytest.raises(sealing.SealError):
        sealing.open_webhook_secret(sealing.sealer(before), sub.sealed_secret)
    assert webhooks.reseal_secrets(db, after) == 0, "already sealed with the first key"


def test_production_refuses_to_start_without_a_key() -> None:
    with pytest.raises(ValidationError, match="SOPENGINE_SECRET_KEY"):
        Settings(mode="production")
    with pytest.raises(sealing.SealError, match="not 32 bytes"):
        create_app(Settings(mode="production", secret_key=SecretStr("too-short")))
    production = Settings(mode="production", secret_key=SecretStr(sealing.new_key()))
    with pytest.raises(sealing.SealError):
        # The development key opens nothing in production.
        sealing.sealer(production).open(
            sealing.Sealer([sealing.DEVELOPMENT_KEY]).seal(b"x", b"p"), b"p"
        )


def test_a_system_token_is_no_longer_kept_in_plain_text_anywhere(db: Session) -> None:
    system = make_system(db, "MFA consular system", "MFA", ["reviewer"])
    db.commit()
    dumped = json.dumps([r.response_body for r in db.scalars(select(IdempotencyKey))])
    assert system.token not in dumped
