"""Fill Arabic translations into the pages' catalog from a Python file holding a dict ``AR``.

    python tools/translate.py path/to/ar.py

Only strings already in the catalog (``tools/catalog.py`` puts them there) are filled.
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po
from catalog import PO  # type: ignore[import-not-found]


def main(path: str) -> int:
    ar: dict[str, str] = runpy.run_path(path)["AR"]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ar")
    filled = 0
    for message in catalog:
        if message.id and message.id in ar:
            message.string = ar[message.id]
            filled += 1
    catalog.fuzzy = False
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    print(f"filled {filled} of {len(catalog)} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
