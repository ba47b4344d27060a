"""Keep the pages' Arabic catalog in step with the interface strings.

    python tools/catalog.py          # add new strings (empty), drop unused ones, report
    python tools/catalog.py --check  # exit 1 if a string has no Arabic (what the tests ask)

Strings are found the way Babel finds them: ``_("…")`` and ``N_("…")`` in
``sopengine/web/**.py`` and in the Jinja2 templates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent / "sopengine" / "web"
PO = WEB / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "N_": None, "gettext": None}


def extracted() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(WEB),
        METHODS,
        keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": ""}},
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((filename, lineno))
    return found


def load() -> Catalog:
    if PO.exists() and PO.read_text("utf-8").strip():
        with PO.open("rb") as handle:
            return read_po(handle, locale="ar")
    return Catalog(locale="ar", project="sopengine", fuzzy=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    strings, catalog = extracted(), load()
    missing = [s for s in strings if not (catalog.get(s) and catalog.get(s).string)]
    if args.check:
        for message in missing:
            print(f"no Arabic for: {message!r} ({strings[message][0][0]})", file=sys.stderr)
        return 1 if missing else 0
    updated = Catalog(locale="ar", project="sopengine", fuzzy=False)
    for message, places in sorted(strings.items()):
        old = catalog.get(message)
        updated.add(message, old.string if old else "", locations=places)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, updated, width=100, sort_output=True)
    print(f"{len(strings)} strings, {len(missing)} without Arabic")
    return 0


if __name__ == "__main__":
    sys.exit(main())
