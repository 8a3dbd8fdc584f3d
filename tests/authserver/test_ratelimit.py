"""Rate limiting: the sliding window in isolation, then over HTTP with --rate-limit 3."""

from collections.abc import Iterator

import pytest

from authserver.ratelimit import RateLimiter
from tests.authserver.helpers import get, post
from tests.fixtures.authserver import LocalAuthServer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_window_slides_and_refusals_are_not_counted() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=2, window=10, clock=clock)
    assert limiter.hit("ip") is None
    clock.now += 4
    assert limiter.hit("ip") is None
    assert limiter.hit("ip") == 6
    clock.now += 6
    assert limiter.hit("ip") is None
    assert limiter.hit("other-ip") is None


def test_clear_forgets_history() -> None:
    limiter = RateLimiter(limit=1, window=60, clock=FakeClock())
    limiter.hit("ip")
    limiter.clear()
    assert limiter.hit("ip") is None


@pytest.fixture(scope="module")
def limited() -> Iterator[LocalAuthServer]:
    """Yield a control-enabled server allowing 3 /api requests per minute."""
    with LocalAuthServer("--rate-limit", "3", "--rate-window", "60") as server:
        yield server


def login_attempt(server: LocalAuthServer) -> int:
    return post(server, "login", {"email": "alice@acme.test", "password": "x"}).status_code


def test_fourth_request_is_429_with_retry_after(limited: LocalAuthServer) -> None:
    limited.reset()
    assert [login_attempt(limited) for _ in range(3)] == [401, 401, 401]
    response = post(limited, "login", {"email": "alice@acme.test", "password": "x"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json()["success"] is False
    assert response.json()["error"] == "rate_limited"
    assert limited.calls("POST /api/auth/login") == 4


def test_health_and_control_are_not_limited(limited: LocalAuthServer) -> None:
    limited.reset()
    for _ in range(3):
        login_attempt(limited)
    assert [get(limited, "/health").status_code for _ in range(5)] == [200] * 5
    assert limited.calls("GET /health") == 5


def test_reset_clears_the_limit(limited: LocalAuthServer) -> None:
    limited.reset()
    for _ in range(4):
        login_attempt(limited)
    limited.reset()
    assert login_attempt(limited) == 401
