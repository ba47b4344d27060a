"""Exports render outside any transaction, and an unchanged version is served from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sopengine.db.models import ExportRecord
from sopengine.export.cache import ExportCache
from sopengine.export.manifest import read_manifest
from sopengine.services import exports, sops
from tests.api.test_exports import DOCX, export
from tests.helpers import Officials, bring_to, ok, sign, version_url


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages rendered (cache misses), in order."""
    done: list[str] = []
    real = exports.render

    def counting(doc, lang, template=None):  # type: ignore[no-untyped-def]
        done.append(lang)
        return real(doc, lang, template)

    monkeypatch.setattr(exports, "render", counting)
    return done


@pytest.fixture
def cached(app, tmp_path: Path) -> ExportCache:
    app.state.export_cache = ExportCache(tmp_path / "exports", 64 << 20)
    return app.state.export_cache


async def test_an_unchanged_version_is_rendered_once(
    client, officials: Officials, db: Session, cached: ExportCache, renders: list[str]
) -> None:
    await bring_to(client, officials, "in_review")
    url = version_url() + "/export.docx"
    first = await export(client, officials.facilitator, url, lang="en")
    again = await export(client, officials.reviewer["MFA"], url, lang="en")
    assert again == first and renders == ["en"]
    records = db.scalar(select(func.count()).select_from(ExportRecord))
    assert records == 2  # every hand-out is registered, cached or not
    files = {"file": ("sop.docx", again, DOCX)}
    checked = await ok(
        client.post(
            "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
        )
    )
    assert checked["verdict"] == "authentic"

    await export(client, officials.facilitator, url, lang="ar")  # another language
    await ok(sign(client, officials, "MOI"))  # a new sign-off
    signed = await export(client, officials.facilitator, url, lang="en")
    assert renders == ["en", "ar", "en"]
    assert signed != first and '"decision":"approve"' in read_manifest(signed)["signoffs"]


async def test_a_redline_is_cached_per_author(
    client, officials: Officials, cached: ExportCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.test_exports import revised

    await revised(client, officials)
    authors: list[str] = []
    real = exports.render_redline

    def counting(before, after, lang, author, when):  # type: ignore[no-untyped-def]
        authors.append(author)
        return real(before, after, lang, author=author, when=when)

    monkeypatch.setattr(exports, "render_redline", counting)
    url, params = "/api/v1/sops/SOP-RR-001/diff", {"from": 1, "to": 2, "format": "docx"}
    a = await export(client, officials.reviewer["MFA"], url, **params)
    assert await export(client, officials.reviewer["MFA"], url, **params) == a
    await export(client, officials.reviewer["MOI"], url, **params)
    assert authors == ["Reviewer MFA", "Reviewer MOI"]


async def test_rendering_happens_outside_any_transaction(
    client, officials: Officials, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bring_to(client, officials, "in_review")
    version = sops.get_version(db, "SOP-RR-001", 1)
    inside: list[bool] = []
    real = exports.render

    def watching(doc, lang, template=None):  # type: ignore[no-untyped-def]
        inside.append(db.in_transaction())
        return real(doc, lang, template)

    monkeypatch.setattr(exports, "render", watching)
    exported = exports.export_version(db, None, version, "en")
    assert inside == [False]
    assert db.in_transaction()  # registering the file opened a new one, committed by the caller
    db.commit()
    assert read_manifest(exported.data)["sop_code"] == "SOP-RR-001"
