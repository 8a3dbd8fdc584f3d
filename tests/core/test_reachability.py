"""ReachabilityProbe: up below 500, down otherwise, asked at most once per ttl."""

from typing import Any

import pytest
import responses

from core.client import AuthServiceClient
from core.reachability import Reachability, ReachabilityProbe

BASE = "http://auth.test"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def mocked() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def make(clock: Clock, ttl: float = 5.0) -> ReachabilityProbe:
    return ReachabilityProbe(AuthServiceClient(BASE), "/health", ttl, clock=clock)


def test_an_answer_below_500_is_up_with_its_details(mocked) -> None:
    mocked.get(f"{BASE}/health", json={"version": "2.1", "uptime": 5})

    assert make(Clock()).check() == Reachability(True, 200, {"version": "2.1"})


def test_a_5xx_is_down_with_a_reason(mocked) -> None:
    mocked.get(f"{BASE}/health", status=503, json={"status": "unhealthy"})

    result = make(Clock()).check()

    assert result.up is False
    assert "503" in result.reason


def test_the_answer_is_reused_within_the_ttl_and_refreshed_after(mocked) -> None:
    mocked.get(f"{BASE}/health", json={})
    clock = Clock()
    probe = make(clock)

    probe.check()
    clock.now += 4.9
    probe.check()
    assert len(mocked.calls) == 1

    clock.now += 0.1
    probe.check()
    assert len(mocked.calls) == 2
