"""HTTP client for the auth server: one method per endpoint this service calls, one place that maps failures.

Every failure leaves as an `exceptions.AuthServiceError` (see that module's tree); nothing here knows
about DRF. Upstream bodies are parsed, never passed on, and never logged whole.
"""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from .deadline import Deadline, DeadlineAdapter
from .exceptions import BadResponse, CouldNotVouch, Rejected, Unavailable
from .identity import Identity, normalize, unwrap

MAX_BODY_BYTES = 1_000_000
# A Retry-After beyond this is treated as this: an upstream typo must not hold the breaker open.
MAX_RETRY_AFTER = 3600
# 4xx answers that say "not now" (RFC 9110: request timeout, too many requests): about the server.
SERVER_SIDE_4XX = (408, 429)
_SECONDS = re.compile(r"[0-9]{1,9}")
Observer = Callable[[str, str, float], None]
HEALTH_FIELDS = ("status", "version", "environment", "database")


@dataclass(frozen=True)
class HealthAnswer:
    """An answer below 500 on the health path: its status (200 for any 2xx, None when unreadable)
    and its body when that is a JSON object."""

    status: int | None
    body: dict[str, Any] = field(default_factory=dict)

    def details(self) -> dict[str, str]:
        """Return the descriptive fields the body carries (status, version, ...), each capped."""
        data = self.body.get("data")
        inner = data if isinstance(data, dict) else self.body
        return {
            key: value[:64] for key in HEALTH_FIELDS if isinstance(value := inner.get(key), str)
        }


def parse_retry_after(value: str | None, *, now: float | None = None) -> int | None:
    """Return a Retry-After header (seconds or HTTP date) as whole seconds ≥ 1, or None."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return min(MAX_RETRY_AFTER, max(1, int(value)))
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError):
        return None
    return min(MAX_RETRY_AFTER, max(1, int(when - (time.time() if now is None else now))))


def _json(body: bytes, path: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadResponse(f"{path}: body is not JSON") from exc


def _is_json(body: bytes) -> bool:
    try:
        _json(body, "")
    except BadResponse:
        return False
    return True


def _client_error(path: str, status: int, body: bytes) -> Rejected | Unavailable:
    """Return what a 4xx means: about the token, or (a body that is not JSON) about the server.

    A 401 refuses the credential whatever its body; any other 4xx without a JSON body is a proxy's
    or a mis-mapped path's page, and must not turn every user's token into a 401.
    """
    if status != 401 and not _is_json(body):
        return Unavailable(f"{path}: HTTP {status} without a JSON body", status=status)
    return Rejected(f"{path}: HTTP {status}", status=status, code=_error_code(body))


def _error_code(body: bytes) -> str:
    """Return the `error` word of an error body, for logs; "" when there is none."""
    try:
        parsed = _json(body, "")
    except BadResponse:
        return ""
    code = parsed.get("error") if isinstance(parsed, dict) else None
    return code[:64] if isinstance(code, str) else ""


def _read_body(response: requests.Response, path: str) -> bytes:
    """Return the body, reading no more than MAX_BODY_BYTES + 1 bytes; raise BadResponse beyond."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BadResponse(f"{path}: body over {MAX_BODY_BYTES} bytes")
    except requests.RequestException as exc:
        raise Unavailable(f"{path}: body not received ({type(exc).__name__})") from exc
    finally:
        response.close()
    return b"".join(chunks)


def settled_session(base_url: str) -> requests.Session:
    """Return a Session holding the environment's proxy and CA settings for `base_url`, read once.

    requests re-reads them (every environment variable) on each call otherwise, which costs a
    cold request tens of microseconds; a `.netrc` is never consulted (it would replace our
    Authorization header).
    """
    session = requests.Session()
    settings = session.merge_environment_settings(base_url, {}, None, None, None)
    session.trust_env = False
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    return session


class AuthServiceClient:
    """Talk to the auth server at `base_url` through one pooled `requests.Session`.

    Each call has one total deadline, `connect_timeout + read_timeout`, for connecting and reading
    headers and body; the session gets a `DeadlineAdapter` so that holds for an injected one too.
    """

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        connect_timeout: float = 1.0,
        read_timeout: float = 3.0,
        observer: Observer | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or settled_session(self.base_url)
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, DeadlineAdapter())
        self.timeout = (connect_timeout, read_timeout)
        self.deadline = connect_timeout + read_timeout
        self.observer = observer

    def me(self, access_token: str, *, expires_at: int | None = None) -> Identity:
        """Return the Identity behind `access_token`; raise Rejected, Unavailable or BadResponse."""
        body = self._call("GET", "/api/auth/me", token=access_token)
        return normalize(body, expires_at=expires_at)

    def jwks(self, url: str) -> Any:
        """Return the JWKS document at `url` (absolute, or a path on the auth server)."""
        return self._call("GET", url)

    def login(self, email: str, password: str) -> dict[str, Any]:
        """Return the login data (user, organization, licenses, accessToken, refreshToken?)."""
        return self._data("POST", "/api/auth/login", {"email": email, "password": password})

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        """Return the new accessToken (and a rotated refreshToken when the server sends one)."""
        return self._data("POST", "/api/auth/refresh", {"refreshToken": refresh_token})

    def logout(self, refresh_token: str | None, access_token: str | None = None) -> None:
        """Revoke the session at the auth server; any 2xx is success.

        The access token goes in the header and in the body: some servers read only the body.
        """
        tokens = {"refreshToken": refresh_token, "accessToken": access_token}
        payload = {name: value for name, value in tokens.items() if value}
        self._call("POST", "/api/auth/logout", json=payload, token=access_token)

    def health(self, path: str = "/health") -> HealthAnswer:
        """Return the answer on the health path; raise Unavailable for no answer, 5xx, 408, 429.

        Any other answer means the server is up, whatever its body: some servers have no health
        endpoint (404), others answer without a `status`.
        """
        try:
            body = self._call("GET", path)
        except Rejected as exc:
            return HealthAnswer(exc.status)
        except Unavailable as exc:
            if exc.status is None or exc.status >= 500 or exc.status in SERVER_SIDE_4XX:
                raise
            return HealthAnswer(exc.status)
        except BadResponse:
            return HealthAnswer(None)
        return HealthAnswer(200, body if isinstance(body, dict) else {})

    def _data(self, method: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = unwrap(self._call(method, path, json=payload))
        if not isinstance(body, dict):
            raise BadResponse(f"{path} body is not a JSON object")
        return body

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> Any:
        started = time.perf_counter()
        outcome = "error"
        with Deadline(self.deadline) as deadline:
            try:
                response = self._send(method, path, json, token)
                outcome = str(response.status_code)
                return self._parse(response, path)
            except CouldNotVouch as exc:
                if deadline.expired:  # whatever the cut connection looked like, it was the clock
                    outcome = "deadline"
                    raise Unavailable(f"{path}: no answer within {self.deadline:g} s") from exc
                raise
            finally:
                if self.observer:
                    self.observer(path, outcome, time.perf_counter() - started)

    def _send(
        self, method: str, path: str, json: dict[str, Any] | None, token: str | None
    ) -> requests.Response:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self.session.request(
                method,
                path if path.startswith(("http://", "https://")) else self.base_url + path,
                json=json,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,  # the body is read by _read_body, at most MAX_BODY_BYTES of it
            )
        except requests.Timeout as exc:
            raise Unavailable(f"{path}: timeout") from exc
        except requests.RequestException as exc:
            raise Unavailable(f"{path}: {type(exc).__name__}") from exc

    def _parse(self, response: requests.Response, path: str) -> Any:
        status = response.status_code
        if status in SERVER_SIDE_4XX or status >= 500:
            response.close()
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise Unavailable(f"{path}: HTTP {status}", retry_after=retry_after, status=status)
        body = _read_body(response, path)
        if 400 <= status < 500:
            raise _client_error(path, status, body)
        if not 200 <= status < 300:
            raise BadResponse(f"{path}: unexpected HTTP {status}")
        if status == 204 or not body:
            return {}
        return _json(body, path)
