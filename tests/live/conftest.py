"""The live contract suite's target, session and HTTP helpers.

Each test module provides a `target` fixture: the live server named by AUTH_LIVE_URL
(test_live_server.py) or the local stand-in (test_against_local.py). Tokens live only in
`Secret`s (secrets.py): reprs, ids, failure messages and tracebacks never show one.
"""

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from core.exceptions import BadResponse
from core.identity import normalize

from .secrets import Secret, reveal_all, seal

TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    """An auth server under test and the credentials of one account on it."""

    name: str
    url: str
    email: str | None = None
    password: str | None = field(default=None, repr=False)
    allow_signup: bool = False

    def credentials(self) -> tuple[str, str]:
        """Return (email, password), or skip: the live account was not configured."""
        if not (self.email and self.password):
            pytest.skip(
                "AUTH_LIVE_EMAIL and AUTH_LIVE_PASSWORD are not set: sign-in checks skipped"
            )
        return self.email, self.password


class LiveError(Exception):
    """A call to the auth server under test failed; says which, never with what."""


@dataclass(frozen=True)
class Answer:
    """One answer: status, the body sealed (tokens replaced by placeholders), the tokens aside."""

    status: int
    is_json: bool
    body: Any = field(default=None, repr=False)
    secrets: dict[str, Secret] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def secret(self, key: str) -> Secret | None:
        """Return the token the body carried under `key` (anywhere in it), or None."""
        return self.secrets.get(key)


class Upstream:
    """Call the auth server under test directly, keeping sealed answers for the schemas."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()

    def get(self, path: str, token: Secret | None = None) -> Answer:
        return self.call("GET", path, token=token)

    def post(self, path: str, body: dict[str, Any], token: Secret | None = None) -> Answer:
        return self.call("POST", path, body, token)

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        token: Secret | None = None,
    ) -> Answer:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token.reveal()}"
        try:
            response = self.session.request(
                method, self.url + path, json=reveal_all(body), headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            # `from None`: the chained frames would show the request, tokens included.
            raise LiveError(f"{method} {path}: {type(exc).__name__}") from None
        return _answer(response)


def _answer(response: requests.Response) -> Answer:
    if not response.content:
        return Answer(response.status_code, True)
    try:
        parsed = response.json()
    except ValueError:
        return Answer(response.status_code, False)
    sealed = seal(parsed)
    return Answer(response.status_code, True, sealed.body, sealed.secrets)


@dataclass
class LiveSession:
    """A session opened by logging in; the fixture closes it in a `finally`, whatever failed."""

    upstream: Upstream
    login: Answer
    access: Secret | None
    refresh: Secret | None
    remote_id: str | None = None
    closed: bool = False

    def logout(self) -> Answer:
        """End the session at the auth server: tokens in the body, the access token as Bearer
        too (some servers revoke only what the body names)."""
        tokens = {"refreshToken": self.refresh, "accessToken": self.access}
        self.closed = True
        body = {key: value for key, value in tokens.items() if value is not None}
        return self.upstream.post("/api/auth/logout", body, token=self.access)

    def close(self) -> None:
        """Log out unless a test already did; a failure here must not hide the test's own."""
        if not self.closed and (self.access or self.refresh):
            with contextlib.suppress(LiveError):
                self.logout()

    def rotate(self, answer: Answer) -> None:
        """Adopt the tokens a refresh returned, so the session closed at the end is the live one."""
        self.access = answer.secret("accessToken") or self.access
        self.refresh = answer.secret("refreshToken") or self.refresh

    def identify(self) -> None:
        """Find who logged in: in the login answer, else by asking /me (as SaaS Admin does)."""
        with contextlib.suppress(BadResponse):
            self.remote_id = normalize(self.login.body).remote_id
            return
        me = self.upstream.get("/api/auth/me", token=self.access)
        with contextlib.suppress(BadResponse):
            self.remote_id = normalize(me.body).remote_id


@pytest.fixture
def upstream(target: Target) -> Upstream:
    """Return a direct client of the auth server under test."""
    return Upstream(target.url)


@pytest.fixture
def session(target: Target, upstream: Upstream) -> Iterator[LiveSession]:
    """Log in as the target's account; log out in a `finally`, whatever fails in between."""
    email, password = target.credentials()
    answer = upstream.post("/api/auth/login", {"email": email, "password": password})
    live = LiveSession(
        upstream, answer, access=answer.secret("accessToken"), refresh=answer.secret("refreshToken")
    )
    try:
        assert answer.status == 200, (
            f"login answered HTTP {answer.status}: check AUTH_LIVE_EMAIL/PASSWORD"
        )
        assert live.access is not None, "the login answer has no accessToken string"
        live.identify()
        yield live
    finally:
        live.close()


@pytest.fixture(autouse=True)
def _no_live_password_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test whose log records carried AUTH_LIVE_PASSWORD (tokens: the root conftest)."""
    caplog.set_level(logging.DEBUG)
    yield
    password = os.environ.get("AUTH_LIVE_PASSWORD") or ""
    leaked = bool(password) and password in caplog.text
    assert not leaked, "a log record carried AUTH_LIVE_PASSWORD"


def unique_email() -> str:
    """Return a fresh address at example.com (RFC 2606: mail to it goes nowhere)."""
    return f"saas-admin-contract+{uuid.uuid4().hex[:12]}@example.com"
