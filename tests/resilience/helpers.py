"""Helpers of the fault tests: SaaS Admin under gunicorn, tokens, operator commands, and waiting
for asynchronous outcomes (pub/sub, a cooldown, a TTL) without bare sleeps."""

import json
import math
import threading
import time
import uuid
from collections.abc import Callable
from io import StringIO
from typing import Any, TypeVar

import jwt
import requests
from django.core.management import call_command
from prometheus_client.parser import text_string_to_metric_families

from core.invalidation import broadcast
from core.marks import EVERYONE
from core.wiring import default_cache
from tests.conftest import JWT
from tests.fixtures.api_server import ApiServer
from tests.fixtures.authserver import TEST_SECRET

T = TypeVar("T")
VERIFY = "/api/auth/verify"
ME = "GET /api/auth/me"
REVOCATION_SECRET = "revocation-secret-for-resilience-tests"
SHARED_BUDGET = 20
# The processes every module runs against unless it needs its own settings: threads for real
# concurrency inside each process, a small upstream budget, an in-process TTL long enough that a
# missed invalidation broadcast would show, signed revocations and degraded verification on, and a
# short breaker cooldown so a test that trips it does not hold the next one up.
SHARED_ENV = {
    "GUNICORN_CMD_ARGS": "--threads 16",
    "AUTH_UPSTREAM_BUDGET_PER_MINUTE": str(SHARED_BUDGET),
    "AUTH_LOCAL_CACHE_TTL": "30",
    "AUTH_REVOCATION_SECRET": REVOCATION_SECRET,
    "AUTH_JWT_SECRET": TEST_SECRET,
    "AUTH_BREAKER_COOLDOWN": "1",
    # Every request of these tests comes from one address: no per-client share (test_guard.py
    # runs its own processes with one).
    "AUTH_UPSTREAM_BUDGET_PER_CLIENT": "0",
}


def wait_until(condition: Callable[[], T], timeout: float, interval: float = 0.02) -> T:
    """Return the first truthy value of `condition()`, polling until `timeout` seconds pass.

    Raise AssertionError when the deadline passes; this is the only place tests sleep.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


Pair = tuple[ApiServer, ApiServer]


def start_servers(auth_url: str, env: dict[str, str], count: int = 2) -> list[ApiServer]:
    """Start `count` single-worker SaaS Admin processes at once; return them when all answer."""
    servers = [ApiServer(auth_url, workers=1, env=env) for _ in range(count)]
    errors = [error for error in _each(servers, ApiServer.start) if error is not None]
    if errors:
        stop_servers(servers)
        raise errors[0]
    return servers


def stop_servers(servers: list[ApiServer]) -> list[str]:
    """Stop the servers at once; return what each printed."""
    outputs: dict[int, str] = {}
    _each(servers, lambda server: outputs.__setitem__(id(server), server.stop()))
    return [outputs.get(id(server), "") for server in servers]


def _each(
    servers: list[ApiServer], action: Callable[[ApiServer], Any]
) -> list[BaseException | None]:
    """Run `action` on every server in its own thread; return what each raised (or None)."""
    errors: list[BaseException | None] = [None] * len(servers)

    def run(index: int) -> None:
        try:
            action(servers[index])
        except BaseException as exc:  # handed back to the caller
            errors[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


SUBSCRIBED = "saas_auth_invalidation_subscriptions_total"  # once at start, before any test
CLEARED = "saas_auth_invalidations_total"  # with kind="all"


def invalidation_counts(server: ApiServer) -> tuple[float, float] | None:
    """Return `server`'s subscriptions and applied "all" broadcasts, or None when /metrics does
    not answer (a busy process after a slow test)."""
    try:
        text = server.get("/metrics").text
    except requests.RequestException:
        return None
    samples = {
        (sample.name, sample.labels.get("kind")): float(sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    return samples.get((SUBSCRIBED, None), 0.0), samples.get((CLEARED, "all"), 0.0)


def forget_in_process(servers: Pair) -> None:
    """Make each (single-worker) server drop what it holds in process, as a fresh one would.

    Redis is fresh for every test, but these processes live for the session: a copy of a mark or
    an entry from the previous test would still answer for up to LOCAL_CACHE_TTL. One "all"
    broadcast clears them; its arrival is confirmed, so it cannot land in the middle of a test.
    """

    def counts() -> list[tuple[float, float]]:
        """Every server's counts, once each answers and is subscribed; else none."""
        seen = [invalidation_counts(server) for server in servers]
        ready = [c for c in seen if c is not None and c[0] > 0]
        return ready if len(ready) == len(servers) else []

    before = wait_until(counts, 10)
    broadcast(default_cache(), "all", EVERYONE)
    wait_until(
        lambda: (
            bool(now := counts()) and all(n[1] > b[1] for n, b in zip(now, before, strict=True))
        ),
        timeout=10,
    )


def assert_clean_output(outputs: list[str]) -> None:
    """Fail when a server logged a token or answered an unhandled error (a 500)."""
    text = "".join(outputs)
    assert not JWT.search(text), "a SaaS Admin process logged a token"
    assert "unhandled API error" not in text, "a SaaS Admin process answered 500"


def source(response: requests.Response) -> str | None:
    """Return where a 200 answer's verification came from (memory, redis, remote, ...)."""
    if response.status_code != 200:
        return None
    value: str = response.json()["verification"]["source"]
    return value


def garbage_token(exp_in: int = 600) -> str:
    """Return a fresh token the auth server never issued, perfect in every way SaaS Admin can
    check locally (signed with the auth server's key) but for a user who does not exist."""
    now = int(time.time())
    claims = {"sub": str(uuid.uuid4()), "iat": now, "exp": now + exp_in, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, TEST_SECRET, algorithm="HS256")


def authcache(*args: str) -> str:
    """Run `manage.py authcache ...` in this process; return its output."""
    out = StringIO()
    call_command("authcache", *args, stdout=out)
    return out.getvalue()


def breaker_state() -> str:
    """Return the shared breaker's state as `authcache stats` reports it."""
    state: str = json.loads(authcache("stats"))["breaker"]["state"]
    return state


def window_with_room(seconds: float) -> bool:
    """Return True when at least `seconds` remain in the upstream budget's current minute.

    The budget is a sliding-window estimate; a run that crosses a minute boundary may be allowed a
    few calls more than the per-minute figure, so budget tests start early in a minute.
    """
    return time.time() % 60 < 60 - seconds


def assert_unavailable(response: requests.Response) -> None:
    """Assert an auth-service 503 with a Retry-After of at least a second."""
    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1


def sliding_limit(limit: int, started: float, ended: float) -> int:
    """Return the most calls a sliding-minute counter of `limit` allows between two instants.

    Within one minute, `limit`. A run that crosses into the next minute (a loaded machine) may add
    the share of the new minute that has passed: the previous minute's count weighs less and less.
    """
    if int(started // 60) == int(ended // 60):
        return limit
    return limit + math.ceil(limit * (ended % 60) / 60)
