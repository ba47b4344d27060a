"""The Word files the service hands out over HTTP pass the independent OOXML validator:
the exports of a version that went through review, sign-off and application (sign-offs
read back from the database) and the redline of its revision."""

from __future__ import annotations

from tests.api.test_exports import export, revised
from tests.export.validation import findings
from tests.helpers import Officials, version_url


async def test_every_file_the_service_exports_is_schema_valid(client, officials: Officials) -> None:
    await revised(client, officials)
    reader = officials.reviewer["MFA"]
    files = {
        f"v{number} {lang}": await export(
            client, reader, version_url(number=number) + "/export.docx", lang=lang
        )
        for number in (1, 2)
        for lang in ("en", "ar", "bilingual")
    }
    for lang in ("en", "ar"):
        files[f"redline {lang}"] = await export(
            client,
            reader,
            "/api/v1/sops/SOP-RR-001/diff",
            **{"from": 1, "to": 2, "format": "docx", "lang": lang},
        )
    assert {name: findings(data) for name, data in files.items()} == {name: [] for name in files}
