"""The auth server goes down, hangs, and comes back, under two SaaS Admin processes.

Cached tokens keep working until their TTL; uncached ones get 503 with Retry-After; once the
breaker is open they get it at once, with no call upstream; after the cooldown one probe closes it.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .helpers import ME, Pair, assert_unavailable, breaker_state, source, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
THRESHOLD = 3
COOLDOWN = 2
TTL = 2
# Long enough that a request which waited for the auth server is told apart from one refused at
# once by the open breaker, even on a loaded machine.
READ_TIMEOUT = 1.5
PROBE_DELAY = 1.0
SERVER_ENV = {
    "GUNICORN_CMD_ARGS": "--threads 8",
    "AUTH_BREAKER_THRESHOLD": str(THRESHOLD),
    "AUTH_BREAKER_COOLDOWN": str(COOLDOWN),
    "AUTH_CACHE_TTL": str(TTL),
    "AUTH_NEGATIVE_CACHE_TTL": "1",
    "AUTH_SERVICE_TIMEOUT": str(READ_TIMEOUT),
    "AUTH_SERVICE_CONNECT_TIMEOUT": str(READ_TIMEOUT),
}


def mint_many(server, users, count: int) -> list[str]:
    """Return `count` fresh tokens, cycling through `users`."""
    return [server.mint_token(users[n % len(users)].email) for n in range(count)]


def open_breaker(pair: Pair, tokens: list[str]) -> None:
    """Fail THRESHOLD uncached verifications (the auth server must be failing) so it opens."""
    for index, token in enumerate(tokens[:THRESHOLD]):
        assert_unavailable(pair[index % 2].verify(token))
    assert breaker_state() == "open"


def test_cached_tokens_keep_working_until_their_ttl(pair: Pair, remote_auth, demo_users) -> None:
    first, second = pair
    token = remote_auth.mint_token(demo_users["alice"].email)
    assert source(first.verify(token)) == "remote"
    assert source(second.verify(token)) == "redis"
    verified = time.monotonic()
    remote_auth.fault("down")

    served = [first.verify(token), second.verify(token)]
    last_ok = verified

    def expired() -> bool:
        nonlocal last_ok
        response = first.verify(token)
        if response.status_code == 200:
            assert source(response) in ("memory", "redis")
            last_ok = time.monotonic()
            return False
        assert_unavailable(response)
        return True

    wait_until(expired, timeout=TTL + 3)
    assert [source(response) for response in served] == ["memory", "memory"]
    # Generous wall-clock bound: the entry is fresh for TTL seconds after verification; only a
    # cache that dropped it early would stop answering well before that.
    assert last_ok - verified >= TTL - 1
    assert_unavailable(second.verify(token))


@pytest.mark.parametrize(
    ("mode", "options"), [("down", {}), ("delay", {"delay": 10})], ids=["down", "hanging"]
)
def test_open_breaker_answers_503_at_once_without_calling_upstream(
    pair: Pair, remote_auth, demo_users, mode, options
) -> None:
    users = [demo_users["alice"], demo_users["bob"]]
    tokens = mint_many(remote_auth, users, THRESHOLD + 20)
    remote_auth.fault(mode, **options)
    started = time.monotonic()
    open_breaker(pair, tokens)
    opening = time.monotonic() - started
    calls = remote_auth.calls(ME)

    latencies, responses = [], []
    for index, token in enumerate(tokens[THRESHOLD:]):
        began = time.perf_counter()
        responses.append(pair[index % 2].verify(token))
        latencies.append(time.perf_counter() - began)

    for response in responses:
        assert_unavailable(response)
        assert int(response.headers["Retry-After"]) <= COOLDOWN
    assert remote_auth.calls(ME) == calls == THRESHOLD
    # The point is "no waiting for the auth server": with the breaker open a 503 costs a few Redis
    # round trips, while a request that went upstream to a hanging server waits READ_TIMEOUT. How
    # fast the refusal is belongs to `make bench`; here every one must beat a single upstream wait.
    assert max(latencies) < READ_TIMEOUT
    if mode == "delay":
        assert opening >= THRESHOLD * READ_TIMEOUT  # before it opened, each call did wait


def test_after_recovery_one_probe_closes_the_breaker(pair: Pair, remote_auth, demo_users) -> None:
    first, second = pair
    tokens = mint_many(remote_auth, [demo_users["alice"]], THRESHOLD + 2)
    remote_auth.fault("down")
    open_breaker(pair, tokens)
    remote_auth.clear_faults()
    remote_auth.reset_calls()

    def answered() -> requests.Response | None:
        response = first.verify(tokens[THRESHOLD])
        if response.status_code == 503:
            return None  # still cooling down: refused without a call upstream
        return response

    recovered = wait_until(answered, timeout=COOLDOWN + 3, interval=0.05)
    assert recovered is not None
    assert source(recovered) == "remote"
    assert remote_auth.calls(ME) == 1
    assert breaker_state() == "closed"
    assert source(second.verify(tokens[THRESHOLD + 1])) == "remote"
    assert remote_auth.calls(ME) == 2


def test_half_open_breaker_lets_exactly_one_probe_through(
    pair: Pair, remote_auth, demo_users
) -> None:
    users = [demo_users["alice"], demo_users["bob"]]
    tokens = mint_many(remote_auth, users, THRESHOLD + 12)
    remote_auth.fault("down")
    open_breaker(pair, tokens)
    # Back, but slow: the probe stays in flight for PROBE_DELAY (below READ_TIMEOUT, so it succeeds).
    remote_auth.fault("delay", delay=PROBE_DELAY)
    wait_until(lambda: breaker_state() == "half-open", timeout=COOLDOWN + 2)
    remote_auth.reset_calls()

    with ThreadPoolExecutor(12) as pool:
        probe = pool.submit(pair[0].verify, tokens[THRESHOLD])
        wait_until(lambda: remote_auth.calls(ME) == 1, timeout=10)  # the probe reached it
        # The others ask while the probe is held up at the auth server: a few ms each, against a
        # whole second of margin, rather than trusting twelve requests to arrive together.
        others = list(
            pool.map(lambda index: pair[index % 2].verify(tokens[THRESHOLD + index]), range(1, 12))
        )
        assert source(probe.result()) == "remote"

    for response in others:
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
    assert remote_auth.calls(ME) == 1
    assert breaker_state() == "closed"
