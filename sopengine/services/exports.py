"""Word exports: build the document view of a version, render it, register it.

An export loads what it needs, ends the transaction, renders (or takes the file from the
export cache, ``export/cache.py``), then registers the file in a new transaction: a
rendering of several seconds never holds a transaction open.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sopengine.db.base import utcnow
from sopengine.db.models import ExportRecord, Ministry, Official, SopVersion
from sopengine.errors import BadRequest, NotFound
from sopengine.export.cache import ExportCache, render_key
from sopengine.export.docx import render
from sopengine.export.manifest import read_manifest
from sopengine.export.redline import render_redline, structured_diff
from sopengine.export.view import (
    MinistryView,
    SignoffView,
    SopDocument,
    VersionHistoryRow,
    xml_safe,
)
from sopengine.observability import metrics
from sopengine.services import audit, checkpoints, facts, sops
from sopengine.services.signoffs import load_signoffs

Lang = Literal["en", "ar", "bilingual"]


def document_for(session: Session, version: SopVersion) -> SopDocument:
    """The frozen view of one version the renderer needs: history, ministries, sign-offs."""
    sop = version.sop
    history = session.scalars(
        select(SopVersion).where(SopVersion.sop_id == sop.id).order_by(SopVersion.number)
    ).all()
    ministries = {
        m.code: MinistryView(m.code, m.name_en, m.name_ar)
        for m in session.scalars(select(Ministry))
    }
    signoffs = [
        SignoffView(ministry=code)
        if p is None
        else SignoffView(
            ministry=code,
            official_name=p.official.name,
            position=p.official.position,
            decision=p.decision,
            decided_at=p.decided_at,
            content_hash=p.content_hash,
            meaning=p.meaning,
            meaning_ar=p.meaning_ar or None,
            method=p.method,
        )
        for code, p in facts.positions(version, load_signoffs(session, version)).items()
    ]
    return SopDocument.build(
        code=sop.code,
        thematic_area=sop.thematic_area,
        lead_ministry=sop.lead_ministry_code,
        number=version.number,
        state=version.state,
        title=version.title,
        languages=version.languages,
        primary_language=version.primary_language,
        required_ministries=version.required_ministries,
        content=version.content,  # validated by build, after unprintable characters are replaced
        content_hash=version.content_hash,
        effective_date=version.effective_date,
        review_due=version.review_due,
        ministries=ministries,
        history=[
            VersionHistoryRow(v.number, v.state, v.created_at, v.effective_date, v.change_summary)
            for v in history
        ],
        signoffs=signoffs,
        exported_at=utcnow(),
        audit_head=audit.head_hash(session),
        audit_checkpoint=_latest_checkpoint(session),
    )


def _latest_checkpoint(session: Session) -> str:
    record = checkpoints.latest_record(session)
    return json.dumps(record, separators=(",", ":")) if record else ""


@dataclass(frozen=True)
class Exported:
    data: bytes
    filename: str


def export_version(
    session: Session,
    actor: Official | None,
    version: SopVersion,
    lang: Lang | None,
    cache: ExportCache | None = None,
) -> Exported:
    chosen: Lang = lang or version.primary_language  # type: ignore[assignment]
    doc = document_for(session, version)
    data = _rendered(
        session, cache, render_key("export", [doc], lang=chosen), lambda: _measured(doc, chosen)
    )
    _register(session, actor, version, "export", chosen, data)
    return Exported(data, f"{version.sop.code}_v{version.number}_{chosen}.docx")


def export_applied(
    session: Session,
    actor: Official | None,
    code: str,
    lang: Lang | None,
    cache: ExportCache | None = None,
) -> Exported:
    sop = sops.get_sop(session, code)
    number = sops.applied_number(sop)
    if number is None:
        raise NotFound(f"{code} has no applied version yet; export a numbered version instead")
    return export_version(session, actor, sops.get_version(session, code, number), lang, cache)


def _measured(doc: SopDocument, lang: Lang) -> bytes:
    """Render the Word file, counted and timed for /metrics."""
    with metrics.word_export(lang):
        return render(doc, lang)


def _rendered(
    session: Session, cache: ExportCache | None, key: str, render_now: Callable[[], bytes]
) -> bytes:
    """The file from the cache, or rendered outside any transaction and then cached.

    Rendering a large SOP takes seconds: the read transaction ends first (on SQLite it holds
    the database's write lock), and registering the file opens a new, short one.
    """
    data = cache.get(key) if cache is not None else None
    if data is None:
        session.commit()
        data = render_now()
        if cache is not None:
            cache.put(key, data)
    return data


def _pair(session: Session, code: str, old: int, new: int) -> tuple[SopDocument, SopDocument]:
    if old == new:
        raise BadRequest("from and to must be different versions")
    return (
        document_for(session, sops.get_version(session, code, old)),
        document_for(session, sops.get_version(session, code, new)),
    )


def diff(session: Session, code: str, old: int, new: int) -> dict[str, Any]:
    return structured_diff(*_pair(session, code, old, new))


def redline(
    session: Session,
    actor: Official,
    code: str,
    old: int,
    new: int,
    lang: Literal["en", "ar"] | None,
    cache: ExportCache | None = None,
) -> Exported:
    before, after = _pair(session, code, old, new)
    version = sops.get_version(session, code, new)
    chosen = lang or after.primary_language
    author = xml_safe(actor.name)
    key = render_key("redline", [before, after], lang=chosen, author=author)
    data = _rendered(
        session,
        cache,
        key,
        lambda: render_redline(before, after, chosen, author=author, when=utcnow()),  # type: ignore[arg-type]
    )
    _register(session, actor, version, "redline", chosen, data, base_version=old)
    return Exported(data, f"{code}_v{old}-v{new}_redline_{chosen}.docx")


def _register(
    session: Session,
    actor: Official | None,
    version: SopVersion,
    kind: str,
    lang: str,
    data: bytes,
    base_version: int | None = None,
) -> None:
    fingerprint = read_manifest(data)["text_fingerprint"]
    session.add(
        ExportRecord(
            version_id=version.id,
            kind=kind,
            language=lang,
            base_version=base_version,
            text_fingerprint=fingerprint,
            content_hash=version.content_hash,
            state=version.state,
            exported_at=utcnow(),
            exported_by_id=actor.id if actor else None,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        "version.exported",
        sop_code=version.sop.code,
        version_number=version.number,
        details={
            "kind": kind,
            "language": lang,
            "base_version": base_version,
            "text_fingerprint": fingerprint,
        },
    )
