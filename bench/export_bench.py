"""Word export benchmark: a bilingual SOP of 300 nested steps, against a bare python-docx floor.

    python bench/export_bench.py [--steps 300] [--repeat 5]
    python bench/export_bench.py --largest [--source DIR]

``--largest`` renders the largest SOP the service accepts (``bench/largest_sop.py``: 300
steps, 50 inputs and 50 outputs each, texts as long as the 5 MB body allows) bilingually in
a fresh process and prints its time and peak resident memory (goal, issue 10: < 300 MB).
``--source DIR`` runs that against another checkout (e.g. the code before issue 10).

The floor writes the same paragraphs and tables (same texts, one table per step, the RACI
and sign-off tables) with python-docx's plain API and no styling, no bidi, no fields: what
any exporter has to pay. Both run in this process; the best of ``--repeat`` runs is shown.
Goal (issue 4): bilingual 300-step export under 1.5 s and within 2.5x the floor.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx

from sopengine.domain.content import walk_steps
from sopengine.export.docx import render
from sopengine.export.view import SopDocument

MINISTRIES = {
    "MFA": ("Ministry of Foreign Affairs", "وزارة الخارجية"),
    "MOI": ("Ministry of Interior", "وزارة الداخلية"),
    "MOMD": ("Ministry of Migration and Displaced", "وزارة الهجرة والمهجرين"),
    "MOLSA": ("Ministry of Labour and Social Affairs", "وزارة العمل والشؤون الاجتماعية"),
    "MOP": ("Ministry of Planning", "وزارة التخطيط"),
}
CODES = list(MINISTRIES)


def _loc(en: str, ar: str) -> dict[str, str]:
    return {"en": en, "ar": ar}


def _step(n: int, children: list[dict[str, Any]]) -> dict[str, Any]:
    actor = CODES[n % len(CODES)]
    support = CODES[(n + 2) % len(CODES)]
    return {
        "id": f"S{n}",
        "actor": actor,
        "supporting": [support],
        "title": _loc(
            f"Verify the returnee's documents, case {n}", f"التحقق من وثائق العائد، الحالة {n}"
        ),
        "description": _loc(
            f"The officer checks the travel document and records the result in the case file {n}.",
            f"يتحقق الموظف من وثيقة السفر ويسجل النتيجة في ملف الحالة {n}.",
        ),
        "inputs": [
            _loc("Travel document", "وثيقة السفر"),
            _loc("Referral form", "استمارة الإحالة"),
        ],
        "outputs": [_loc("Verified case file", "ملف حالة موثق")],
        "time_limit": _loc("48 hours", "48 ساعة"),
        "steps": children,
    }


def generated_sop(steps: int = 300) -> SopDocument:
    """``steps`` steps nested three deep: top steps with children with grandchildren."""
    counter = iter(range(1, steps + 1))
    procedure: list[dict[str, Any]] = []
    made = 0
    while made < steps:
        top_n = next(counter)
        made += 1
        children = []
        for _ in range(3):
            if made >= steps:
                break
            child_n = next(counter)
            made += 1
            grandchildren = []
            if made < steps:
                grandchildren.append(_step(next(counter), []))
                made += 1
            children.append(_step(child_n, grandchildren))
        procedure.append(_step(top_n, children))
    text = _loc(
        "Coordinate the dignified return of nationals. " * 5, "تنسيق العودة الكريمة للمواطنين. " * 5
    )
    content = {
        "purpose": text,
        "scope": text,
        "definitions": [
            {"term": _loc(f"Term {i}", f"مصطلح {i}"), "definition": text} for i in range(10)
        ],
        "references": [
            {"title": _loc("Law of the Ministry", "قانون الوزارة"), "citation": "Law 21/2009"}
        ],
        "responsibilities": [{"ministry": c, "duties": text} for c in CODES],
        "procedure": procedure,
        "records": [{"name": _loc("Case file", "ملف الحالة"), "kept_by": "MOMD"}],
        "annexes": [{"title": _loc("Referral form", "استمارة الإحالة"), "body": text}],
    }
    return SopDocument.build(
        code="SOP-BENCH-001",
        thematic_area="return_reintegration",
        lead_ministry="MOMD",
        number=3,
        state="in_review",
        title=_loc("Return and reintegration", "العودة وإعادة الإدماج"),
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


def floor(doc: SopDocument) -> bytes:
    """The same paragraphs and tables with plain python-docx and no styling."""
    out = docx.Document()
    langs = ("en", "ar")
    name = doc.ministry_name
    content = doc.content
    for lg in langs:
        out.add_paragraph(doc.title[lg])
    table = out.add_table(rows=0, cols=2)
    for label, value in (("Code", doc.code), ("Version", str(doc.number)), ("State", doc.state)):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for text in (content.purpose, content.scope):
        out.add_paragraph("Section")
        cells = out.add_table(rows=0, cols=2).add_row().cells
        cells[0].text, cells[1].text = text["en"], text["ar"]
    out.add_paragraph("Definitions")
    table = out.add_table(rows=0, cols=2)
    for d in content.definitions:
        cells = table.add_row().cells
        cells[0].text = f"{d.term['en']}: {d.definition['en']}"
        cells[1].text = f"{d.term['ar']}: {d.definition['ar']}"
    for at in walk_steps(content.procedure):
        s = at.step
        out.add_paragraph(f"{at.number} {s.title['en']} — {s.title['ar']}")
        table = out.add_table(rows=0, cols=2)
        rows = (
            [(s.description or {}).get(lg, "") for lg in langs],
            [f"Actor: {name(s.actor, lg)}" for lg in langs],
            [f"Supporting: {doc.ministry_names(s.supporting, lg)}" for lg in langs],
            ["\n".join(i[lg] for i in s.inputs) for lg in langs],
            ["\n".join(o[lg] for o in s.outputs) for lg in langs],
            [(s.time_limit or {}).get(lg, "") for lg in langs],
        )
        for row in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = row
    columns = doc.binding_ministries
    table = out.add_table(rows=0, cols=1 + len(columns))
    for at in walk_steps(content.procedure):
        cells = table.add_row().cells
        cells[0].text = f"{at.number} {at.step.title['en']}\n{at.step.title['ar']}"
        letters = doc.raci(at.step)
        for cell, code in zip(cells[1:], columns, strict=True):
            cell.text = letters[code]
    table = out.add_table(rows=0, cols=6)
    for s in doc.signoffs:
        cells = table.add_row().cells
        cells[0].text = name(s.ministry, "en")
        cells[5].text = "pending"
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def best_of(repeat: int, work: Callable[[], bytes]) -> tuple[float, float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), size


LARGEST_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import sopengine  # from the source measured: its modules follow its package path
sys.path.insert(0, sys.argv[2])
from largest_sop import largest_sop, peak_rss_mb
from sopengine.export.docx import render
doc = largest_sop()
built = peak_rss_mb()
start, cpu = time.perf_counter(), time.process_time()
data = render(doc, "bilingual")
assert sopengine.__file__.startswith(sys.argv[1]), sopengine.__file__
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "built_mb": built, "peak_mb": peak_rss_mb(), "kib": len(data) / 1024}))
"""


def largest(source: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from largest_sop import describe

    print(f"largest allowed SOP: {describe()}")
    print(f"source: {source}")
    bench_dir = str(Path(__file__).resolve().parent)
    done = subprocess.run(
        [sys.executable, "-c", LARGEST_CHILD, source, bench_dir],
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(done.stdout)
    print(f"bilingual render : {r['seconds']:.2f} s (cpu {r['cpu']:.2f} s), {r['kib']:.0f} KiB")
    print(
        f"peak memory      : {r['peak_mb']:.0f} MB "
        f"(the process with the document view built: {r['built_mb']:.0f} MB)"
    )
    print("goal met" if r["peak_mb"] < 300 else "GOAL MISSED (< 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--largest", action="store_true", help="the largest allowed SOP")
    parser.add_argument("--source", default=str(Path(__file__).resolve().parent.parent))
    args = parser.parse_args()
    if args.largest:
        largest(args.source)
        return
    doc = generated_sop(args.steps)
    assert sum(1 for _ in walk_steps(doc.content.procedure)) == args.steps
    render(doc, "bilingual")  # warm caches and imports for both sides alike
    floor(doc)
    ours, ours_median, ours_size = best_of(args.repeat, lambda: render(doc, "bilingual"))
    base, base_median, base_size = best_of(args.repeat, lambda: floor(doc))
    ratio = ours / base
    print(f"steps: {args.steps}, languages: en+ar (bilingual), best of {args.repeat}")
    print(
        f"sopengine render : {ours:.3f} s (median {ours_median:.3f} s, {ours_size / 1024:.0f} KiB)"
    )
    print(
        f"bare python-docx : {base:.3f} s (median {base_median:.3f} s, {base_size / 1024:.0f} KiB)"
    )
    print(f"ratio            : {ratio:.2f}x  (goal: < 1.5 s and <= 2.5x)")
    for lang in ("en", "ar"):
        single, _, _ = best_of(args.repeat, lambda lang=lang: render(doc, lang))  # type: ignore[misc]
        print(f"render {lang:<10}: {single:.3f} s")
    ok = ours < 1.5 and ratio <= 2.5
    print("goal met" if ok else "GOAL MISSED")


if __name__ == "__main__":
    main()
