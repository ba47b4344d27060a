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
