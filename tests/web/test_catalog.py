"""Every interface string has its Arabic, and the Arabic pages show it."""

from __future__ import annotations

import subprocess
import sys

from sopengine.config import PROJECT_ROOT


def test_every_interface_string_has_arabic() -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tools" / "catalog.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


async def test_arabic_pages_are_translated_and_mirrored(client) -> None:
    page = await client.get("/sign-in", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "البريد الإلكتروني" in page.text and "E-mail address" not in page.text
