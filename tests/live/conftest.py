"""The live contract suite's target, session and HTTP helpers.

Each test module provides a `target` fixture: the live server named by AUTH_LIVE_URL
(test_live_server.py) or the local stand-in (test_against_local.py). Everything here keeps
tokens and passwords out of reprs, ids and failure messages.
"""

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from core.identity import normalize, unwrap

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


@dataclass(frozen=True)
class Answer:
    """One raw answer: the status and the parsed body (None when empty), never in a repr."""

    status: int
    is_json: bool
    body: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Upstream:
    """Call the auth server under test directly, keeping raw answers for the schemas."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()

    def get(self, path: str, token: str | None = None) -> Answer:
        return self.call("GET", path, token=token)

    def post(self, path: str, body: dict[str, Any], token: str | None = None) -> Answer:
        return self.call("POST", path, body, token)

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> Answer:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.session.request(
            method, self.url + path, json=body, headers=headers, timeout=TIMEOUT
        )
        if not response.content:
            return Answer(response.status_code, True)
        try:
            return Answer(response.status_code, True, response.json())
        except ValueError:
            return Answer(response.status_code, False)


@dataclass
class LiveSession:
    """A session opened by logging in; closed again at teardown unless a test closed it."""

    upstream: Upstream
    login: Answer
    access: str = field(repr=False)
    refresh: str | None = field(repr=False)
    remote_id: str
    closed: bool = False

    def logout(self) -> Answer:
        """End the session at the auth server (refresh token in the body, access as Bearer)."""
        body = {"refreshToken": self.refresh} if self.refresh else {}
        self.closed = True
        return self.upstream.post("/api/auth/logout", body, token=self.access)

    def rotate(self, data: dict[str, Any]) -> None:
        """Adopt the tokens a refresh returned, so teardown closes the live session."""
        self.access = data["accessToken"]
        if isinstance(data.get("refreshToken"), str):
            self.refresh = data["refreshToken"]


@pytest.fixture
def upstream(target: Target) -> Upstream:
    """Return a direct client of the auth server under test."""
    return Upstream(target.url)


@pytest.fixture
def session(target: Target, upstream: Upstream) -> Iterator[LiveSession]:
    """Log in as the target's account; log out at teardown (nothing is left open)."""
    email, password = target.credentials()
    answer = upstream.post("/api/auth/login", {"email": email, "password": password})
    assert answer.status == 200, (
        f"login answered HTTP {answer.status}: check AUTH_LIVE_EMAIL/PASSWORD"
    )
    data = unwrap(answer.body)
    # A bool first: pytest rewrites asserts here and would print `data`, tokens included.
    has_token = isinstance(data, dict) and isinstance(data.get("accessToken"), str)
    assert has_token, "the login answer has no accessToken string"
    refresh = data.get("refreshToken")
    live = LiveSession(
        upstream,
        answer,
        access=data["accessToken"],
        refresh=refresh if isinstance(refresh, str) else None,
        remote_id=normalize(data).remote_id,
    )
    yield live
    if not live.closed:
        live.logout()


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
