"""Model requests and responses independently of sockets; parse JSON bodies."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .errors import ApiError, BadRequest


@dataclass(frozen=True)
class Request:
    """Describe one parsed HTTP request; header names are lower-case, `params` from the route."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    client_ip: str = "127.0.0.1"
    params: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        """Return the body as a JSON object; raise BadRequest if it is anything else."""
        try:
            payload = json.loads(self.body)
        except ValueError as exc:
            raise BadRequest("Request body must be a JSON object.", "invalid_json") from exc
        if not isinstance(payload, dict):
            raise BadRequest("Request body must be a JSON object.", "invalid_json")
        return payload

    def bearer(self) -> str | None:
        """Return the Bearer token of the Authorization header, or None."""
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        token = token.strip()
        return token if scheme.lower() == "bearer" and token else None

    def query_value(self, name: str) -> str | None:
        """Return the first value of query parameter `name`, or None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Response:
    """Describe one answer: status, raw body, content type and extra headers.

    `trickle` > 0 sends the whole answer, status line and headers included, one byte at a time
    with that many seconds between bytes (a fault).
    """

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    trickle: float = 0.0


class Drop:
    """Mark an answer that must not be sent: the connection is closed instead."""


DROP: Final = Drop()
Outcome = Response | Drop


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    """Return a JSON response carrying `payload`."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status=status, body=body, headers=dict(headers or {}))


def error_response(exc: ApiError) -> Response:
    """Return the error envelope for `exc` with its status and headers."""
    payload = {"success": False, "error": exc.code, "message": exc.message}
    return json_response(exc.status_code, payload, exc.headers)
