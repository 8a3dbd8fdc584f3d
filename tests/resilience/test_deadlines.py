"""A trickling auth server: every call ends within its total deadline, as an outage the breaker counts.

The auth server answers a byte every TRICKLE seconds, each byte well inside the read timeout, so
only a total deadline (connect + read timeout) ends the call. Bounds are the configured timeouts
plus MARGIN for a loaded machine; nothing asserts how fast a call is, only that it is bounded.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .helpers import ME, Pair, assert_unavailable, breaker_state

pytestmark = pytest.mark.django_db(transaction=True)
CONNECT_TIMEOUT = 0.5
# Long enough that eight concurrent requests reach a loaded machine's two processes while the
# leader's call is still trickling (a request arriving after it ended would rightly lead anew).
READ_TIMEOUT = 2.5
DEADLINE = CONNECT_TIMEOUT + READ_TIMEOUT
SINGLE_FLIGHT_WAIT = 4.0  # core.conf's default
THRESHOLD = 3
TRICKLE = 0.3
MARGIN = 3.0
SERVER_ENV = {
    "GUNICORN_CMD_ARGS": "--threads 8",
    "AUTH_SERVICE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
    "AUTH_SERVICE_TIMEOUT": str(READ_TIMEOUT),
    "AUTH_BREAKER_THRESHOLD": str(THRESHOLD),
    "AUTH_BREAKER_COOLDOWN": "30",
}


def timed(call, *args) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call(*args)
    return response, time.monotonic() - started


def test_trickling_me_is_503_within_the_deadline_and_opens_the_breaker(
    pair: Pair, remote_auth, demo_users
) -> None:
    remote_auth.fault("trickle", delay=TRICKLE, paths=["/api/auth/me"])
    tokens = [remote_auth.mint_token(demo_users["alice"].email) for _ in range(THRESHOLD)]

    for index, token in enumerate(tokens):
        response, elapsed = timed(pair[index % 2].verify, token)
        assert_unavailable(response)
        assert elapsed < DEADLINE + MARGIN

    assert remote_auth.calls(ME) == THRESHOLD
    assert breaker_state() == "open"
    assert_unavailable(pair[0].verify(remote_auth.mint_token(demo_users["bob"].email)))
    assert remote_auth.calls(ME) == THRESHOLD  # open: answered at once, no call


def test_concurrent_requests_for_one_token_share_one_call_and_its_failure(
    pair: Pair, remote_auth, demo_users
) -> None:
    remote_auth.fault("trickle", delay=TRICKLE, paths=["/api/auth/me"])
    token = remote_auth.mint_token(demo_users["alice"].email)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: timed(pair[n % 2].verify, token), range(8)))

    for response, elapsed in answers:
        assert_unavailable(response)
        assert elapsed < SINGLE_FLIGHT_WAIT + DEADLINE + MARGIN  # the README's longest wait
    assert remote_auth.calls(ME) == 1


def test_readiness_with_a_trickling_auth_server_answers_within_the_deadline(
    pair: Pair, remote_auth
) -> None:
    remote_auth.fault("trickle", delay=TRICKLE, paths=["/health"])

    response, elapsed = timed(pair[0].get, "/health/ready")

    assert elapsed < DEADLINE + MARGIN
    assert response.json()["checks"]["authServer"]["status"] == "down"
