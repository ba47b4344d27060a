"""The renderer never fails on stored text: characters XML forbids, written by SQL, still export.

Input refuses such characters; rows written before that (or behind the service's back)
must still give a Word file, a redline and a verifiable manifest. Each forbidden character
is shown as U+FFFD.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sopengine.db.models import Official, Sop, SopVersion
from tests.api.test_exports import DOCX, export, revised
from tests.helpers import Officials, ok, version_url

UNPRINTABLE = "\x01\x0b\x07\ufffe"


def _poison(db: Session) -> str:
    """Write forbidden characters into the stored version 2 and its author; return the mark."""
    bad = UNPRINTABLE + ("\x00" if db.get_bind().dialect.name == "sqlite" else "")  # PG refuses NUL
    version = db.scalars(
        select(SopVersion).join(Sop).where(Sop.code == "SOP-RR-001", SopVersion.number == 2)
    ).one()
    content: dict[str, Any] = dict(version.content)
    purpose = dict(content["purpose"])
    purpose["en"] = f"Fix{bad} the return."
    content["purpose"] = purpose
    db.execute(
        update(SopVersion)
        .where(SopVersion.id == version.id)
        .values(
            content=content,
            title={**version.title, "en": f"Return{bad}"},
            change_summary=f"fix{bad}",
        )
    )
    db.execute(update(Official).where(Official.name == "Reviewer MFA").values(name=f"Rev{bad}"))
    db.commit()
    return "\ufffd" * len(bad)


@pytest.mark.parametrize("lang", ["en", "bilingual"])
async def test_stored_unprintable_characters_still_export_and_verify(
    client, officials: Officials, db: Session, lang: str
) -> None:
    await revised(client, officials)
    shown = _poison(db)
    data = await export(
        client, officials.facilitator, version_url(number=2) + "/export.docx", lang=lang
    )
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert f"Fix{shown} the return." in xml
    assert f"fix{shown}" in xml  # the change summary in the document control table
    files = {"file": ("sop.docx", data, DOCX)}
    checked = await ok(
        client.post(
            "/api/v1/exports/verify", files=files, headers=officials.reviewer["MOI"].headers
        )
    )
    assert checked["verdict"] == "authentic", checked


async def test_stored_unprintable_characters_still_give_a_redline(
    client, officials: Officials, db: Session
) -> None:
    await revised(client, officials)
    shown = _poison(db)
    data = await export(
        client,
        officials.reviewer["MFA"],  # whose stored name is unprintable too: the revision author
        "/api/v1/sops/SOP-RR-001/diff",
        **{"from": 1, "to": 2, "format": "docx"},
    )
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert f"Fix{shown}" in xml  # the inserted words, as a tracked change
    assert f'w:author="Rev{shown}"' in xml
