"""Redis fails over under load: two SaaS Admin processes find their master through Sentinel.

A private master, its replica and three sentinels (tests/fixtures/sentinel.py) on their own
loopback ports, speaking plain TCP or (rediss://) TLS only. While a thread keeps verifying tokens,
the master is killed (SIGKILL). What is allowed at every moment: 200 for every token verified
before (each process holds it in-process, AUTH_LOCAL_CACHE_TTL is 30 s); for a token never seen,
200 or a 503 with a `code` and Retry-After; never a 500, never a 401 for a good token, never a
dropped connection. Once the sentinels have promoted the replica, the processes share the cache
again (one stores, the other answers "redis"), and a token logged out then is refused by both.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event, Thread
from typing import Any

import pytest
import redis
import requests

from tests.fixtures.api_server import ApiServer
from tests.fixtures.sentinel import DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS, SentinelSet
from tests.fixtures.tls import loopback_certificate

from .helpers import assert_clean_output, source, start_servers, stop_servers, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
# Sentinels exchange hellos every 2 s and must each know the replica and the two others.
SETUP_WAIT = 60.0
# Down after DOWN_AFTER_MS, then a failover that may time out and be retried once or twice.
FAILOVER_WAIT = 10 * (DOWN_AFTER_MS + 2 * FAILOVER_TIMEOUT_MS) / 1000
# Until each process's cache retries Redis (core.safecache: 5 s) and its pub/sub listener is back
# (backing off to at most 10 s between attempts), on a loaded machine.
REJOIN_WAIT = 60.0
BROADCAST_WAIT = 8.0  # tests/resilience/test_invalidation_broadcast.py
# Room in the upstream budget for every retry of `shared` below, from one client address.
SERVER_ENV = {
    "GUNICORN_CMD_ARGS": "--threads 4",
    "AUTH_LOCAL_CACHE_TTL": "30",
    "AUTH_UPSTREAM_BUDGET_PER_MINUTE": "1000",
    "AUTH_UPSTREAM_BUDGET_PER_CLIENT": "0",
}


@pytest.fixture
def sentinel_set(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SentinelSet]:
    """Yield a master, a replica and three sentinels, ready to fail over (indirect parameter:
    "plain", "password" for master and replica, "passwords" for them and, another, for the
    sentinels, or "tls" for every process)."""
    kind = getattr(request, "param", "plain")
    tls = loopback_certificate(tmp_path / "tls") if kind == "tls" else None
    setup = SentinelSet(
        tmp_path,
        "sentinel-test-password" if kind in ("password", "passwords") else "",
        tls,
        sentinel_password="the-sentinels-own-password" if kind == "passwords" else "",
    )
    try:
        wait_until(setup.replicating, SETUP_WAIT, interval=0.2)
        yield setup
    finally:
        setup.stop()


@pytest.fixture
def pair_on_sentinel(sentinel_set: SentinelSet, remote_auth: Any) -> Iterator[list[ApiServer]]:
    """Two single-worker SaaS Admin processes reaching Redis through the sentinels."""
    servers = start_servers(remote_auth.url, {**SERVER_ENV, **sentinel_set.env()})
    yield servers
    assert_clean_output(stop_servers(servers))


@dataclass
class Load:
    """Verify tokens on both processes in a loop; keep every answer (or error) seen."""

    servers: list[ApiServer]
    known: list[str]
    fresh: list[str]
    answers: list[tuple[str, int, dict[str, Any], str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: Event = field(default_factory=Event)

    def run(self) -> None:
        turn = 0
        while not self.done.is_set():
            server = self.servers[turn % 2]
            kind, token = (
                ("fresh", self.fresh.pop())
                if turn % 5 == 4 and self.fresh
                else ("known", self.known[turn % len(self.known)])
            )
            try:
                response = server.verify(token)
                self.answers.append((kind, response.status_code, _body(response), _retry(response)))
            except requests.RequestException as exc:
                self.errors.append(type(exc).__name__)
            turn += 1


def _body(response: requests.Response) -> dict[str, Any]:
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        return {}
    return body


def _retry(response: requests.Response) -> str:
    return response.headers.get("Retry-After", "")


def allowed(kind: str, status: int, body: dict[str, Any], retry_after: str) -> bool:
    """Return whether an answer is one the failover may give (see the module docstring)."""
    if status == 200:
        return True
    return kind == "fresh" and status == 503 and bool(body.get("code")) and retry_after != ""


def shared(first: ApiServer, second: ApiServer, remote_auth: Any, email: str) -> bool:
    """Return True when a new token verified by `first` is answered by `second` from Redis."""
    token = remote_auth.mint_token(email)
    return source(first.verify(token)) == "remote" and source(second.verify(token)) == "redis"


def cache_probe(server: ApiServer) -> str:
    """Return what /health/ready says of the cache (Redis): "up" or "down"."""
    status: str = server.get("/health/ready").json()["checks"]["cache"]["status"]
    return status


def pattern_listeners(client: redis.Redis) -> int:
    """Return how many connections to `client`'s server listen on a pattern (PSUBSCRIBE)."""
    return sum(1 for entry in client.client_list(_type="pubsub") if int(entry["psub"]) > 0)


@pytest.mark.parametrize("sentinel_set", ["plain", "tls"], indirect=True)
def test_failover_under_load_keeps_answering_and_shares_again(
    pair_on_sentinel, sentinel_set, remote_auth, demo_users
) -> None:
    first, second = pair_on_sentinel
    known = [remote_auth.mint_token(demo_users[name].email) for name in ("alice", "bob", "dave")]
    for token in known:
        assert [source(first.verify(token)), source(second.verify(token))] == ["remote", "redis"]
    fresh = [remote_auth.mint_token(demo_users["carol"].email) for _ in range(20)]
    load = Load(pair_on_sentinel, known, fresh)
    thread = Thread(target=load.run, daemon=True)
    thread.start()

    sentinel_set.master.kill()
    killed_at = len(load.answers)
    wait_until(sentinel_set.promoted, FAILOVER_WAIT, interval=0.1)
    promoted_at = len(load.answers)
    wait_until(
        lambda: shared(first, second, remote_auth, demo_users["alice"].email), REJOIN_WAIT, 0.5
    )
    wait_until(
        lambda: shared(second, first, remote_auth, demo_users["bob"].email), REJOIN_WAIT, 0.5
    )
    load.done.set()
    thread.join(30)
    assert not thread.is_alive()

    assert load.errors == []
    assert promoted_at > killed_at  # answers kept coming while no master was named
    refused = [answer for answer in load.answers if not allowed(*answer)]
    assert refused == []
    assert sentinel_set.replica.client.info("replication")["role"] == "master"
    assert sentinel_set.replica.client.dbsize() > 0  # the shared entries now live there


def test_token_logged_out_after_failover_is_refused_by_both(
    pair_on_sentinel, sentinel_set, remote_auth, demo_users
) -> None:
    first, second = pair_on_sentinel
    assert cache_probe(first) == "up"
    sentinel_set.master.kill()
    wait_until(sentinel_set.promoted, FAILOVER_WAIT, interval=0.1)
    wait_until(
        lambda: shared(first, second, remote_auth, demo_users["alice"].email), REJOIN_WAIT, 0.5
    )
    assert [cache_probe(first), cache_probe(second)] == ["up", "up"]  # /health/ready, new master
    # Both invalidation listeners are subscribed on the new master: a logout reaches both.
    wait_until(lambda: pattern_listeners(sentinel_set.replica.client) >= 2, REJOIN_WAIT)
    carol = demo_users["carol"]
    session = remote_auth.login(carol.email, carol.password)
    token = session["accessToken"]
    assert [source(first.verify(token)), source(second.verify(token))] == ["remote", "redis"]
    assert [source(first.verify(token)), source(second.verify(token))] == ["memory", "memory"]

    assert first.post("/api/auth/logout", token).status_code == 200

    assert first.verify(token).status_code == 401
    wait_until(lambda: second.verify(token).status_code == 401, BROADCAST_WAIT)
    assert [first.verify(token).status_code, second.verify(token).status_code] == [401, 401]


@pytest.mark.parametrize("sentinel_set", ["password", "passwords", "tls"], indirect=True)
def test_a_master_with_a_password_or_over_tls_is_found_and_shared(
    pair_on_sentinel, sentinel_set, remote_auth, demo_users
) -> None:
    first, second = pair_on_sentinel
    if sentinel_set.sentinel_password:  # they refuse who does not give it: REDIS_SENTINEL_PASSWORD
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=sentinel_set.sentinels[0].port).sentinel_masters()

    assert shared(first, second, remote_auth, demo_users["alice"].email)
    assert [cache_probe(first), cache_probe(second)] == ["up", "up"]
    assert sentinel_set.master.client.dbsize() > 0
