"""Fixtures of the client's unit tests: HTTP mocked at the transport, sleeps recorded."""

from collections.abc import Iterator

import pytest
import responses

from saas_admin import SaaSAdminClient, Tokens

AUTH = "http://auth.test"
API = "http://api.test"
# Recognisable values, so tests can assert they never show up anywhere.
ACCESS = "ACCESS-eyJhbGciOiJIUzI1NiJ9.old-secret"
FRESH = "ACCESS-eyJhbGciOiJIUzI1NiJ9.fresh-secret"
REFRESH = "REFRESH-old-secret"
ROTATED = "REFRESH-rotated-secret"
SECRETS = (ACCESS, FRESH, REFRESH, ROTATED, "demo-password-1")

ME = {
    "user": {"id": 1, "remoteId": "u-1", "email": "alice@acme.test"},
    "organization": {"id": "org-1", "name": "Acme Corp"},
    "authSource": "remote",
    "verification": {"source": "remote", "degraded": False},
}


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """Mock every HTTP call made through requests; unmatched calls fail."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def waits() -> list[float]:
    """Return the list the fake sleep records its waits in."""
    return []


@pytest.fixture
def client(waits: list[float]) -> SaaSAdminClient:
    """Return a client with a session (ACCESS, REFRESH) and a sleep that only records."""
    client = SaaSAdminClient(AUTH, API, sleep=waits.append)
    client.tokens = Tokens(ACCESS, REFRESH)
    return client


def bearer_of(request: object) -> str:
    """Return the Bearer token a mocked request carried."""
    header: str = request.headers.get("Authorization", "")  # type: ignore[attr-defined]
    return header.removeprefix("Bearer ")
