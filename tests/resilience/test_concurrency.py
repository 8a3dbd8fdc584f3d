"""Two SaaS Admin processes, many threads each: one upstream call per new token, one shared budget."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .helpers import (
    ME,
    SHARED_BUDGET,
    Pair,
    garbage_token,
    sliding_limit,
    source,
    wait_until,
    window_with_room,
)

pytestmark = pytest.mark.django_db(transaction=True)


def all_at_once(servers: Pair, tokens: list[str], threads: int) -> list[requests.Response]:
    """Send one /api/auth/verify per token, alternating processes, released by one barrier."""
    barrier = threading.Barrier(min(threads, len(tokens)))

    def call(index: int) -> requests.Response:
        if index < barrier.parties:
            barrier.wait(timeout=10)
        return servers[index % 2].verify(tokens[index])

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(call, range(len(tokens))))


def test_64_concurrent_requests_for_one_new_token_make_one_upstream_call(
    pair, remote_auth, demo_users
) -> None:
    token = remote_auth.mint_token(demo_users["alice"].email)

    responses = all_at_once(pair, [token] * 64, threads=64)

    assert [response.status_code for response in responses] == [200] * 64
    assert remote_auth.calls(ME) == 1
    sources = Counter(source(response) for response in responses)
    assert sources["remote"] == 1
    assert set(sources) <= {"remote", "redis", "memory"}
    assert {response.json()["user"]["remoteId"] for response in responses} == {
        demo_users["alice"].id
    }


def test_the_second_process_reads_what_the_first_verified(pair, remote_auth, demo_users) -> None:
    first, second = pair
    token = remote_auth.mint_token(demo_users["bob"].email)

    assert source(first.verify(token)) == "remote"
    assert source(second.verify(token)) == "redis"
    assert source(second.verify(token)) == "memory"
    assert remote_auth.calls(ME) == 1


def test_the_upstream_budget_is_shared_by_both_processes(pair, remote_auth) -> None:
    wait_until(lambda: window_with_room(5), timeout=6)
    tokens = [garbage_token() for _ in range(200)]
    started = time.time()

    responses = all_at_once(pair, tokens, threads=16)
    allowed = sliding_limit(SHARED_BUDGET, started, time.time())

    statuses = Counter(response.status_code for response in responses)
    assert set(statuses) <= {401, 503}
    assert remote_auth.calls(ME) <= allowed
    assert statuses[401] == remote_auth.calls(ME)
    refused = [response for response in responses if response.status_code == 503]
    assert len(refused) >= len(tokens) - allowed
    assert all(0 < int(response.headers["Retry-After"]) <= 60 for response in refused)
    assert {response.json()["code"] for response in refused} == {"auth_service_unavailable"}
