"""Reading a version costs a fixed number of SQL statements, whatever its size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, event

from tests.helpers import Officials, bring_to, ok, sample_content, sign, version_url


@contextmanager
def counted(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def _big_content(steps: int) -> dict:
    content = sample_content()
    first = content["procedure"][0]
    content["procedure"] += [{**first, "id": f"S{n}", "steps": []} for n in range(3, steps + 3)]
    return content


async def _version_read(client, officials: Officials, connection: Connection) -> int:
    """Statements for one GET of the version, after authentication (the address's count of
    failed attempts, then the token's own query)."""
    with counted(connection) as statements:
        await ok(client.get(version_url(), headers=officials.facilitator.headers))
    authentication = ("api_tokens", "sign_in_attempts")
    return len([s for s in statements if not any(table in s for table in authentication)])


async def test_a_version_read_is_three_queries_after_authentication(
    client, officials: Officials, connection: Connection
) -> None:
    await bring_to(client, officials, "in_review")
    small = await _version_read(client, officials, connection)
    # More sign-offs and comments on the same version: the count stays.
    for ministry in ("MOI", "MFA"):
        await ok(sign(client, officials, ministry))
    for i in range(5):
        await ok(
            client.post(
                version_url() + "/comments",
                json={"anchor": "purpose", "body": f"note {i}"},
                headers=officials.reviewer["MOI"].headers,
            ),
            201,
        )
    assert small == await _version_read(client, officials, connection) == 3


async def test_a_draft_read_skips_sign_offs_and_does_not_grow_with_steps(
    client, officials: Officials, connection: Connection
) -> None:
    await bring_to(client, officials, "draft")
    few = await _version_read(client, officials, connection)
    draft = await ok(client.get(version_url(), headers=officials.facilitator.headers))
    await ok(
        client.put(
            version_url() + "/content",
            json={"content": _big_content(60)},
            headers={**officials.facilitator.headers, "If-Match": draft["etag"]},
        )
    )
    assert few == await _version_read(client, officials, connection) == 2


async def _list_page(client, officials: Officials, connection: Connection, **params) -> int:
    """Statements for one page of the SOP list, after authentication (as above)."""
    with counted(connection) as statements:
        await ok(client.get("/api/v1/sops", params=params, headers=officials.facilitator.headers))
    authentication = ("api_tokens", "sign_in_attempts")
    return len([s for s in statements if not any(table in s for table in authentication)])


LISTS = (
    {},
    {"thematic_area": "return_reintegration", "state": "applied"},
    {"awaiting": "MOI"},
    {"q": "reintegration"},
    {"q": "الإدماج", "ministry": "MOI"},
)


async def test_a_list_page_is_a_fixed_number_of_queries_whatever_its_size(
    client, officials: Officials, connection: Connection
) -> None:
    await bring_to(client, officials, "applied")
    await bring_to(client, officials, "in_review", code="SOP-RR-099")
    few = [await _list_page(client, officials, connection, **params) for params in LISTS]
    for i in range(2, 14):
        code = f"SOP-RR-{i:03d}"
        await bring_to(client, officials, "in_review" if i % 2 else "applied", code=code)
        if i % 4 == 0:  # applied, then a second version: the page shows the latest
            await ok(
                client.post(
                    f"/api/v1/sops/{code}/versions",
                    json={"change_summary": "v2"},
                    headers=officials.drafter["MOMD"].headers,
                ),
                201,
            )
    many = [await _list_page(client, officials, connection, **params) for params in LISTS]
    assert few == many == [2] * len(LISTS)
