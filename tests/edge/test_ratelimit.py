"""Rate limits per caller (apps.edge.ratelimit): a token bucket in Redis, one round trip a request."""

from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_redis import get_redis_connection
from redis.connection import AbstractConnection

from apps.edge.ratelimit import TokenBucket
from tests.conftest import bearer, on_redis

pytestmark = pytest.mark.django_db
VERIFY = "/api/auth/verify"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture
def tokens(remote_auth: Any, demo_users: Any) -> dict[str, str]:
    """Return an access token of alice and one of bob."""
    return {
        name: remote_auth.login(demo_users[name].email, demo_users[name].password)["accessToken"]
        for name in ("alice", "bob")
    }


@pytest.fixture
def limited(settings: Any) -> Any:
    """Turn the rate limit on: bursts of 3, one token a minute (a loaded machine refills none)."""
    settings.API_RATE_LIMIT, settings.API_RATE_BURST = "60/hour", 3
    return settings


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record every command sent to Redis (one packet is one round trip)."""
    sent: list[bytes] = []
    original = AbstractConnection.send_packed_command

    def send(self: AbstractConnection, command: Any, check_health: bool = True) -> None:
        packets = [command] if isinstance(command, bytes | str | memoryview) else command
        sent.append(
            b"".join(bytes(p, "utf-8") if isinstance(p, str) else bytes(p) for p in packets)
        )
        original(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
    return sent


def statuses(api, token: str, count: int) -> list[int]:
    return [api.get(VERIFY, **bearer(token)).status_code for _ in range(count)]


def test_rate_limit_is_off_by_default(api, tokens, round_trips) -> None:
    assert statuses(api, tokens["alice"], 8) == [200] * 8
    assert not [packet for packet in round_trips if TokenBucket.prefix.encode() in packet]


def test_past_the_burst_a_caller_gets_429_throttled_with_retry_after(api, tokens, limited) -> None:
    assert statuses(api, tokens["alice"], 3) == [200] * 3

    response = api.get(VERIFY, **bearer(tokens["alice"]))

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60  # one token a minute


def test_each_user_has_a_bucket_of_their_own(api, tokens, limited) -> None:
    statuses(api, tokens["alice"], 4)

    assert statuses(api, tokens["bob"], 3) == [200] * 3


def test_a_spent_bucket_fills_up_again_with_time(api, tokens, limited) -> None:
    statuses(api, tokens["alice"], 4)
    client = get_redis_connection("default")
    [key] = client.keys(caches["default"].make_key(f"{TokenBucket.prefix}user:*"))
    client.hincrbyfloat(key, "at", -120.0)  # two minutes ago: two tokens back at 60/hour

    assert statuses(api, tokens["alice"], 3) == [200, 200, 429]


def test_the_rate_limit_costs_one_redis_round_trip_per_request(
    api, tokens, limited, round_trips
) -> None:
    api.get(VERIFY, **bearer(tokens["alice"]))  # loads the script into Redis once
    round_trips.clear()

    assert statuses(api, tokens["alice"], 2) == [200, 200]

    bucket = [packet for packet in round_trips if TokenBucket.prefix.encode() in packet]
    assert len(bucket) == 2
    assert all(packet.startswith(b"*6\r\n$7\r\nEVALSHA") for packet in bucket)
    assert not [packet for packet in round_trips if b"SCRIPT" in packet]


def test_an_unreachable_redis_lets_requests_through(
    api, tokens, limited, private_redis, caplog
) -> None:
    limited.CACHES = {
        **limited.CACHES,
        "default": on_redis(limited.CACHES, private_redis.url)["default"],
    }
    private_redis.stop()

    assert statuses(api, tokens["alice"], 5) == [200] * 5
    assert "rate limit not applied" in caplog.text


def test_probes_are_never_rate_limited(api, limited) -> None:
    assert [api.get("/health/").status_code for _ in range(5)] == [200] * 5


@pytest.mark.parametrize(("rate", "burst"), [("100", 50), ("100/fortnight", 50), ("100/min", 0)])
def test_a_malformed_rate_is_a_system_check_error(settings, rate, burst) -> None:
    settings.API_RATE_LIMIT, settings.API_RATE_BURST = rate, burst

    with pytest.raises(SystemCheckError, match=r"edge\.E001"):
        call_command("check")


def test_a_rate_limit_without_redis_is_a_system_check_warning(settings) -> None:
    settings.API_RATE_LIMIT = "100/min"
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": LOCMEM}}

    with pytest.raises(SystemCheckError, match=r"edge\.W001"):
        call_command("check", "--fail-level", "WARNING")
