"""Domain errors with an HTTP status, rendered as RFC 9457 problem details by one handler.

Services and the domain raise these; nothing outside ``api`` knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any


class SopError(Exception):
    """Base class: ``status`` and ``slug`` define the problem type.

    Raised with another ``status`` than its class's, an error takes the type and title of
    that status (``/problems/method-not-allowed`` for 405), so every status has its own type.
    """

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"
    headers: dict[str, str] | None = None
    keep: Callable[[Any], None] | None = None
    """What must be stored although the request fails (a failed sign-in, which the throttle
    counts): run with the request's database session after its rollback, then committed."""

    def __init__(
        self, detail: str, *, status: int | None = None, title: str | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        if status is not None and status != self.status:
            self.status = status
            self.slug, self.title = status_slug(status), status_title(status)
        if title is not None:
            self.title = title

    @property
    def type_uri(self) -> str:
        return f"/problems/{self.slug}"

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type_uri,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extensions)
        return body


def status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def status_slug(status: int) -> str:
    """The problem type of a status no error class names: its reason phrase as a slug."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    except ValueError:
        return f"status-{status}"


class BadRequest(SopError):
    status, slug, title = 400, "bad-request", "Bad request"


class MalformedBody(SopError):
    status, slug, title = 400, "malformed-body", "Malformed request body"


class Unauthorized(SopError):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(SopError):
    status, slug, title = 403, "forbidden", "Not allowed"


class ReauthenticationFailed(Forbidden):
    slug, title = "reauthentication-failed", "Your password is needed to sign"


class MethodNotAllowed(SopError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class NotFound(SopError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(SopError):
    status, slug, title = 409, "conflict", "Conflict"


class InvalidTransition(SopError):
    status, slug, title = 409, "invalid-transition", "Action not allowed in the current state"


class StaleContentHash(SopError):
    status, slug, title = (
        409,
        "stale-content-hash",
        "The content hash is not the version's current one",
    )


class PreconditionFailed(SopError):
    status, slug, title = 412, "precondition-failed", "The version changed since you read it"


class Gone(SopError):
    status, slug, title = 410, "gone", "No longer valid"


class PayloadTooLarge(SopError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(SopError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class InternalError(SopError):
    status, slug, title = 500, "internal-error", "Internal error"


class ConfigurationError(InternalError):
    """A setting the service needs cannot be used (e.g. an unreadable audit key)."""

    slug, title = "configuration-error", "The service is misconfigured"


class PreconditionRequired(SopError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class FieldError(dict[str, str]):
    """One invalid field: a JSON pointer into the request body and what is wrong with it."""

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(pointer=pointer, detail=detail)


class ValidationFailed(SopError):
    status, slug, title = 422, "validation-failed", "The request is not valid"

    def __init__(self, errors: Sequence[FieldError], detail: str | None = None) -> None:
        errors = list(errors)
        summary = detail or "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
        super().__init__(summary, errors=errors)
        self.errors = errors


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) to a place in the request body."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped)


class TooManyRequests(SopError):
    status, slug, title = 429, "too-many-requests", "Too many attempts"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


def keeping(error: SopError, keep: Callable[[Any], None]) -> SopError:
    """The same error, with what must be stored although the request fails."""
    error.keep = keep
    return error


class ServiceUnavailable(SopError):
    status, slug, title = 503, "service-unavailable", "The service is busy"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}
