"""Read answers of both servers: JSON bodies, the envelope, error fields and Retry-After."""

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from .errors import BadResponse

MAX_TEXT = 200


def where(response: requests.Response) -> str:
    """Return "METHOD /path" of the request that got `response` (no query, no host)."""
    request = response.request
    path = urlsplit(request.url or "").path if request is not None else ""
    method = request.method if request is not None else ""
    return f"{method} {path or '/'}"


def json_body(response: requests.Response) -> Any:
    """Return the decoded JSON body, None when empty; raise BadResponse if it is not JSON."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise BadResponse(
            f"{where(response)} answered HTTP {response.status_code} with a body that is not JSON"
        ) from exc


def unwrap(body: Any) -> Any:
    """Return `data` of an enveloped success body, or the body itself (docs/auth-server-contract.md)."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        return body["data"] if body.get("success") is not False else body
    return body


def error_fields(response: requests.Response) -> tuple[str | None, str]:
    """Return the code and a short, printable detail of an error answer of either server.

    SaaS Admin answers `{"detail", "code"}`; the auth server `{"error", "message"}`.
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    code = _text(body.get("code")) or _text(body.get("error"))
    detail = _text(body.get("detail")) or _text(body.get("message"))
    return code, detail or f"{where(response)} answered HTTP {response.status_code}"


def retry_after(response: requests.Response, now: Callable[[], float] = time.time) -> float | None:
    """Return the Retry-After header (seconds or an HTTP date) as seconds ≥ 0, or None."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now())
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    """Return `value` as printable text of at most MAX_TEXT characters, or None."""
    if not isinstance(value, str):
        return None
    text = "".join(ch for ch in value if ch.isprintable())[:MAX_TEXT].strip()
    return text or None
