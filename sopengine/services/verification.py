"""Verifying an uploaded .docx: what it claims to be, and whether the service agrees.

The claims come from the manifest an export carries (``export/manifest.py``); the
register of handed-out files (``ExportRecord``) tells an unaltered export from an edited one.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sopengine.db.models import ExportRecord, Sop, SopVersion
from sopengine.errors import UnsupportedMediaType
from sopengine.export.manifest import document_text_fingerprint, read_manifest
from sopengine.services import facts
from sopengine.services.signoffs import load_signoffs


def verify(session: Session, data: bytes) -> dict[str, Any]:
    """What an uploaded .docx claims to be, and whether the service agrees."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsupportedMediaType("the upload is not a .docx (Word) file")
    try:
        claimed = read_manifest(data)
        fingerprint = document_text_fingerprint(data)
    except (KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise UnsupportedMediaType(f"the upload is not a readable .docx file: {exc}") from exc
    if "sop_code" not in claimed:
        return {
            "recognized": False,
            "verdict": "not an sopengine export",
            "detail": "the file carries no sopengine manifest",
        }

    code, raw_number = claimed.get("sop_code", ""), claimed.get("version") or ""
    number = int(raw_number) if raw_number.isdigit() and len(raw_number) < 9 else 0
    result: dict[str, Any] = {
        "recognized": True,
        "claims": {
            "sop_code": code,
            "version": number,
            "state": claimed.get("state"),
            "content_hash": claimed.get("content_hash"),
            "exported_at": claimed.get("exported_at"),
            "kind": claimed.get("kind"),
            "language": claimed.get("language"),
            "audit_head": claimed.get("audit_head"),
        },
    }
    version = session.scalar(
        select(SopVersion)
        .join(Sop)
        .where(Sop.code == code, SopVersion.number == number)
        .options(selectinload(SopVersion.sop), selectinload(SopVersion.ministries))
    )
    if version is None:
        return {
            **result,
            "version_exists": False,
            "verdict": "unknown version",
            "detail": f"the service has no version {number} of {code!r}",
        }

    hash_matches = claimed.get("content_hash") == version.content_hash
    registered = session.scalars(
        select(ExportRecord).where(
            ExportRecord.version_id == version.id, ExportRecord.text_fingerprint == fingerprint
        )
    ).first()
    text_intact = fingerprint == claimed.get("text_fingerprint") and registered is not None
    signoffs_match, differences = _compare_signoffs(session, version, claimed.get("signoffs", "[]"))
    verdict = (
        "authentic"
        if hash_matches and text_intact and signoffs_match
        else "altered"
        if not text_intact
        else "outdated"
    )
    official = claimed.get("kind", "export") == "export"
    return {
        **result,
        "official_export": official,
        "version_exists": True,
        "current_state": version.state,
        "content_hash_matches": hash_matches,
        "text_intact": text_intact,
        "signoffs_match": signoffs_match,
        "signoff_differences": differences,
        "exported_at_registered": registered.exported_at if registered else None,
        "verdict": verdict,
        "detail": {
            "authentic": "the file is an unaltered export of this version, and its sign-offs "
            "are the service's",
            "altered": "the document's text was changed after it was exported",
            "outdated": "the text is as exported, but the version or its sign-offs have changed "
            "since",
        }[verdict]
        + ("" if official else "; it is a redline (a comparison), not a document to sign"),
    }


def _compare_signoffs(session: Session, version: SopVersion, raw: str) -> tuple[bool, list[str]]:
    try:
        claimed = {s["ministry"]: s for s in json.loads(raw)}
    except (ValueError, TypeError, KeyError):
        return False, ["the manifest's sign-offs are unreadable"]
    differences = []
    for code, p in facts.positions(version, load_signoffs(session, version)).items():
        c = claimed.pop(code, None)
        have = (p.decision, p.content_hash) if p else (None, None)
        says = (c.get("decision"), c.get("content_hash")) if c else ("(missing)", None)
        if have != says:
            differences.append(
                f"{code}: the file says {says[0] or 'pending'}, "
                f"the service says {have[0] or 'pending'}"
            )
    differences += [f"{code}: not required to sign this version" for code in claimed]
    return not differences, differences
