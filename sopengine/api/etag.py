"""ETags for versions and the If-Match precondition on edits."""

from __future__ import annotations

from sopengine.db.models import SopVersion
from sopengine.errors import PreconditionFailed, PreconditionRequired


def etag(version: SopVersion) -> str:
    return f'"{version.id}.{version.row_version}"'


def require_match(if_match: str | None, version: SopVersion) -> None:
    """428 without If-Match, 412 when it names an older state of the version (RFC 9110 §13.1.1)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "send If-Match with the ETag you read, so edits based on an old copy are refused"
        )
    current = etag(version)
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed(
        "the version changed since you read it; fetch it again and reapply your edit",
        current_etag=current,
    )
