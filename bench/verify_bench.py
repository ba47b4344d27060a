"""Verify benchmark: the worst uploads to ``/exports/verify``, time and peak memory.

    python bench/verify_bench.py [--source DIR]

Each case runs in a fresh process (so its peak resident memory is its own) through what
the service does with an upload before it touches the database: read the zip, the
manifest and the fingerprint, and for an altered file what was found in it.

- ``bomb``: a ~190 KB zip whose ``word/document.xml`` honestly expands to 60 MiB of small
  paragraphs (issue 10: ~1 GB and 6-9 s before the caps);
- ``largest``: the bilingual export of the largest allowed SOP with one character changed
  (the heaviest upload the caps accept: every part hashed, the changed one scanned).

``--source DIR`` measures another checkout of sopengine (e.g. the code before the fix, whose
verifier read every part whole and parsed it as one tree); the ratio is printed only when
both runs are in this one.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PARAGRAPH = b"<w:p><w:r><w:t>AND ALSO PAY 5000 DOLLARS IN CASH</w:t></w:r></w:p>"
W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def bomb(size: int = 60 * 1024 * 1024) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "_rels/.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<w:document xmlns:w="' + W_NS + b'"><w:body>')
            block = PARAGRAPH * (1024 * 1024 // len(PARAGRAPH))
            for _ in range(size // len(block)):
                f.write(block)
            f.write(b"</w:body></w:document>")
    return out.getvalue()


def largest_altered() -> bytes:
    sys.path.insert(0, str(BENCH))
    from largest_sop import largest_sop

    from sopengine.export.docx import render

    data = render(largest_sop(), "bilingual")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            blob = source.read(name)
            if name == "word/document.xml":
                blob = blob.replace(b"48 hours", b"49 hours", 1)
            target.writestr(name, blob)
    return out.getvalue()


def check(data: bytes) -> str:
    """What verify does with an upload before the database, in whichever code is loaded."""
    try:
        from sopengine.export import inspection, package
        from sopengine.export.manifest import read_properties, sopengine_properties
    except ImportError:  # the code before issue 10: whole parts, one tree each
        from sopengine.export.manifest import document_text_fingerprint, read_manifest

        try:
            claimed = read_manifest(data)
            return "fingerprint " + document_text_fingerprint(data)[:12] + f" ({len(claimed)})"
        except Exception as exc:  # the old code's errors are what is measured
            return f"{type(exc).__name__}: {str(exc)[:80]}"
    try:
        upload = package.open_upload(data)
        properties = read_properties(upload)
        claimed = sopengine_properties(properties)
        fingerprint = package.fingerprint(upload.digests(), properties)
        if fingerprint == claimed.get("text_fingerprint"):
            return "intact"
        found = inspection.findings(upload, claimed.get("parts"), properties)
        return "altered: " + "; ".join(found)
    except package.UnreadableDocx as exc:
        return f"415: {exc.detail[:100]}"


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def child(case: str, source: str) -> None:
    sys.path.insert(0, source)
    data = (BENCH.parent / ".verify-bench" / f"{case}.docx").read_bytes()
    check(b"")  # imports, outside the measure
    start, cpu = time.perf_counter(), time.process_time()
    outcome = check(data)
    result = {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": peak_rss_mb(),
        "outcome": outcome,
        "upload_kb": len(data) / 1024,
    }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default=str(BENCH.parent), help="the sopengine checkout")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.source)
        return
    sys.path.insert(0, str(BENCH.parent))
    cases = BENCH.parent / ".verify-bench"
    cases.mkdir(exist_ok=True)
    if not (cases / "bomb.docx").exists():
        (cases / "bomb.docx").write_bytes(bomb())
    if not (cases / "largest.docx").exists():
        (cases / "largest.docx").write_bytes(largest_altered())
    print(f"source: {args.source}")
    for case in ("bomb", "largest"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", case, "--source", args.source],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(done.stdout)
        print(
            f"{case:<8} upload {r['upload_kb']:7.0f} KB: {r['seconds']:6.2f} s "
            f"(cpu {r['cpu_seconds']:5.2f} s), peak {r['peak_mb']:6.0f} MB  -> {r['outcome'][:110]}"
        )


if __name__ == "__main__":
    main()
