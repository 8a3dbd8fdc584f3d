"""Declare the API errors; each knows its status, code and default message.

ApiError
 ├── BadRequest (400)         ├── Conflict (409)
 ├── Unauthorized (401)       ├── PayloadTooLarge (413)
 ├── Forbidden (403)          ├── TooManyRequests (429, Retry-After)
 ├── NotFound (404)           └── ServerError (500)
 └── MethodNotAllowed (405, Allow)
`wire.error_response` is the one place that turns them into responses.
"""

from collections.abc import Mapping


class ApiError(Exception):
    """Carry an error answer: `status_code`, a machine `code` and a human `message`."""

    status_code = 400
    default_code = "bad_request"
    default_message = "Bad request."

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.headers = dict(headers or {})
        super().__init__(self.message)


class BadRequest(ApiError):
    """Reject a malformed or invalid request body."""


class Unauthorized(ApiError):
    """Reject missing, invalid, expired or revoked credentials."""

    status_code = 401
    default_code = "unauthorized"
    default_message = "Authentication required."


class Forbidden(ApiError):
    """Reject a known account that may not sign in (unverified or inactive)."""

    status_code = 403
    default_code = "forbidden"
    default_message = "Forbidden."


class NotFound(ApiError):
    """Answer a path that has no route."""

    status_code = 404
    default_code = "not_found"
    default_message = "Not found."


class MethodNotAllowed(ApiError):
    """Answer a known path called with the wrong method."""

    status_code = 405
    default_code = "method_not_allowed"
    default_message = "Method not allowed."


class Conflict(ApiError):
    """Reject a write that collides with existing data (duplicate email)."""

    status_code = 409
    default_code = "conflict"
    default_message = "Conflict."


class PayloadTooLarge(ApiError):
    """Reject a request body above the size limit."""

    status_code = 413
    default_code = "payload_too_large"
    default_message = "Request body too large."


class TooManyRequests(ApiError):
    """Answer a client over its rate limit; `headers` carries Retry-After."""

    status_code = 429
    default_code = "rate_limited"
    default_message = "Too many requests, try again later."


class ServerError(ApiError):
    """Answer an unexpected failure without leaking its details."""

    status_code = 500
    default_code = "internal_error"
    default_message = "Internal server error."
