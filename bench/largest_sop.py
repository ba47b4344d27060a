"""The largest SOP the service accepts, for the benchmarks, and peak-memory measurement.

The content limits (issue 10, set in ``sopengine/domain/content.py``) are 300 steps, 50
inputs and 50 outputs per step and 20,000 characters per text; the request body limit
(``SOPENGINE_MAX_BODY_BYTES``, 5 MB) bounds the whole. Within both, the heaviest document
to render has every step at its item limits (the most paragraphs), bilingual texts with
Latin codes inside the Arabic (the most runs), and texts made as long as the body allows.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sopengine.config import Settings
from sopengine.domain import content as limits
from sopengine.export.view import SopDocument

# The content limits the service enforces (domain/content.py).
MAX_STEPS = limits.MAX_STEPS
MAX_ITEMS_PER_STEP = min(limits.MAX_STEP_INPUTS, limits.MAX_STEP_OUTPUTS)
MAX_TEXT_CHARS = limits.MAX_TEXT_CHARS
MAX_BODY_BYTES = Settings(database_url="sqlite://").max_body_bytes

MINISTRIES = {
    "MFA": ("Ministry of Foreign Affairs", "وزارة الخارجية"),
    "MOI": ("Ministry of Interior", "وزارة الداخلية"),
    "MOMD": ("Ministry of Migration and Displaced", "وزارة الهجرة والمهجرين"),
    "MOLSA": ("Ministry of Labour and Social Affairs", "وزارة العمل والشؤون الاجتماعية"),
    "MOP": ("Ministry of Planning", "وزارة التخطيط"),
}
CODES = list(MINISTRIES)
_EN = "Checked form A-12 and the travel document of the returnee, then recorded. "
_AR = "تم فحص الاستمارة A-12 ووثيقة سفر العائد ثم سجلت. "


def _text(chars: int, n: int) -> dict[str, str]:
    chars = min(chars, MAX_TEXT_CHARS)
    en = (f"{n} " + _EN * (chars // len(_EN) + 1))[:chars]
    ar = (f"{n} " + _AR * (chars // len(_AR) + 1))[:chars]
    return {"en": en, "ar": ar}


def _content(item_chars: int) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    for n in range(1, MAX_STEPS + 1):
        steps.append(
            {
                "id": f"S{n}",
                "actor": CODES[n % len(CODES)],
                "supporting": [CODES[(n + 1) % len(CODES)], CODES[(n + 2) % len(CODES)]],
                "title": _text(80, n),
                "description": _text(item_chars * 2, n),
                "inputs": [_text(item_chars, i) for i in range(MAX_ITEMS_PER_STEP)],
                "outputs": [_text(item_chars, i) for i in range(MAX_ITEMS_PER_STEP)],
                "time_limit": {"en": "48 hours", "ar": "48 ساعة"},
                "steps": [],
            }
        )
    # Nest them: every fourth step opens a group holding the next three.
    procedure: list[dict[str, Any]] = []
    for i in range(0, len(steps), 4):
        head, *children = steps[i : i + 4]
        head["steps"] = children
        procedure.append(head)
    text = _text(2_000, 0)
    return {
        "purpose": text,
        "scope": text,
        "definitions": [{"term": _text(40, i), "definition": text} for i in range(20)],
        "references": [{"title": _text(80, 1), "citation": "Law 21/2009"}],
        "responsibilities": [{"ministry": c, "duties": text} for c in CODES],
        "procedure": procedure,
        "records": [{"name": _text(60, 1), "kept_by": "MOMD"}],
        "annexes": [{"title": _text(60, 1), "body": text}],
    }


def _body_bytes(content: dict[str, Any]) -> int:
    body = {
        "code": "SOP-BENCH-001",
        "thematic_area": "return_reintegration",
        "lead_ministry": "MOMD",
        "title": _text(200, 0),
        "languages": ["en", "ar"],
        "primary_language": "en",
        "required_ministries": CODES,
        "content": content,
    }
    return len(json.dumps(body, ensure_ascii=False).encode())


@lru_cache(maxsize=1)
def item_chars() -> int:
    """The longest items the body limit allows (the size grows linearly with their length)."""
    short, long = _body_bytes(_content(10)), _body_bytes(_content(110))
    chars = 10 + int((MAX_BODY_BYTES - short) * 100 / (long - short))
    while chars > 1 and _body_bytes(_content(chars)) > MAX_BODY_BYTES:
        chars -= 1
    return chars


def largest_content() -> dict[str, Any]:
    return _content(item_chars())


def largest_sop() -> SopDocument:
    content = largest_content()
    return SopDocument.build(
        code="SOP-BENCH-001",
        thematic_area="return_reintegration",
        lead_ministry="MOMD",
        number=3,
        state="in_review",
        title=_text(200, 0),
        languages=["en", "ar"],
        primary_language="en",
        required_ministries=CODES,
        content=content,
        ministries={c: {"name_en": en, "name_ar": ar} for c, (en, ar) in MINISTRIES.items()},
        history=[
            {
                "number": n,
                "state": "superseded",
                "created_at": datetime(2026, n, 1, tzinfo=UTC),
                "effective_date": date(2026, n, 2),
                "change_summary": f"Round {n}",
            }
            for n in (1, 2)
        ],
        exported_at=datetime(2026, 5, 3, tzinfo=UTC),
        audit_head="a" * 64,
    )


def describe() -> str:
    return (
        f"{MAX_STEPS} steps x ({MAX_ITEMS_PER_STEP} inputs + {MAX_ITEMS_PER_STEP} outputs), "
        f"items of {item_chars()} characters per language, request body "
        f"{_body_bytes(largest_content()) / 1e6:.2f} MB (limit {MAX_BODY_BYTES / 1e6:.2f} MB)"
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM: unlike ru_maxrss, not inherited
    from a parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")
