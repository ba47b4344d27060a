"""Verifying an uploaded .docx: what it claims to be, and whether the service agrees.

The claims come from the manifest an export carries (``export/manifest.py``); the
register of handed-out files (``ExportRecord``) holds the fingerprint of every file handed
out, so a file is intact only when its fingerprint, recomputed over every part byte for
byte, is one the service registered for that version. An altered file is explained by
``export/inspection.py``. The upload is read within the bounds of ``export/package.py``:
anything that is not a readable .docx is a 415 problem.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sopengine.db.models import ExportRecord, Sop, SopVersion
from sopengine.export import inspection
from sopengine.export.manifest import package_fingerprint, read_properties, sopengine_properties
from sopengine.export.package import Upload, open_upload
from sopengine.services import facts
from sopengine.services.signoffs import load_signoffs

MAX_FINDINGS_IN_DETAIL = 8


def verify(session: Session, data: bytes) -> dict[str, Any]:
    """What an uploaded .docx claims to be, and whether the service agrees."""
    upload = open_upload(data)
    properties = read_properties(upload)
    claimed = sopengine_properties(properties)
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
    fingerprint = package_fingerprint(upload, properties)
    registered = session.scalars(
        select(ExportRecord).where(
            ExportRecord.version_id == version.id, ExportRecord.text_fingerprint == fingerprint
        )
    ).first()
    text_intact = fingerprint == claimed.get("text_fingerprint") and registered is not None
    findings = [] if text_intact else _findings(upload, properties, claimed, fingerprint)
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
        "findings": findings,
        "verdict": verdict,
        "detail": {
            "authentic": "the file is an unaltered export of this version, and its sign-offs "
            "are the service's",
            "altered": "the document was changed after it was exported: "
            + "; ".join(findings[:MAX_FINDINGS_IN_DETAIL])
            + ("; …" if len(findings) > MAX_FINDINGS_IN_DETAIL else ""),
            "outdated": "the text is as exported, but the version or its sign-offs have changed "
            "since",
        }[verdict]
        + ("" if official else "; it is a redline (a comparison), not a document to sign"),
    }


def _findings(
    upload: Upload, properties: dict[str, str], claimed: dict[str, str], fingerprint: str
) -> list[str]:
    found = inspection.findings(upload, claimed.get("parts"), properties)
    if fingerprint == claimed.get("text_fingerprint"):
        # Consistent with itself, yet never handed out: the manifest was recomputed.
        found.insert(
            0,
            "the file's fingerprint is not one the service registered for this "
            "version (its manifest was rewritten)",
        )
    elif not found:
        found.append("the manifest's claims were changed")
    return found


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
