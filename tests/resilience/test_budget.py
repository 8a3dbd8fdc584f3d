"""A flood of distinct garbage tokens: the upstream budget keeps SaaS Admin under the auth server's
rate limit, so the auth server never answers 429 and every caller gets 401 or 503, never 500.

SaaS Admin runs in-process (DRF test client); the auth server is a dedicated instance started with
`--rate-limit 150 --rate-window 60`, whose request log tells which statuses it answered.
"""

import re
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.conftest import bearer
from tests.fixtures.authserver import LocalAuthServer

from .helpers import ME, VERIFY, garbage_token, sliding_limit, wait_until, window_with_room

pytestmark = pytest.mark.django_db
BUDGET = 50
ANSWERED = re.compile(r"GET /api/auth/me (\d{3}) ")


@pytest.fixture(scope="module")
def limited_auth_server() -> Iterator[LocalAuthServer]:
    with LocalAuthServer("--rate-limit", "150", "--rate-window", "60") as server:
        yield server


@pytest.fixture
def limited(settings, limited_auth_server: LocalAuthServer) -> LocalAuthServer:
    limited_auth_server.reset()
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": limited_auth_server.url,
        "BUDGET_PER_MINUTE": BUDGET,
        "BUDGET_PER_CLIENT": 0,  # one test client sends everything: the deployment budget alone
    }
    return limited_auth_server


def test_1000_garbage_tokens_stay_within_budget_and_never_draw_a_429(limited, api) -> None:
    wait_until(lambda: window_with_room(10), timeout=11)  # the run takes ~5 s on a quiet machine
    already_logged = len(ANSWERED.findall(limited.output))
    started = time.time()

    responses = [api.get(VERIFY, **bearer(garbage_token())) for _ in range(1000)]

    statuses = Counter(response.status_code for response in responses)
    upstream = Counter(ANSWERED.findall(limited.output)[already_logged:])
    assert set(statuses) <= {401, 503}
    assert limited.calls(ME) <= sliding_limit(BUDGET, started, time.time())
    assert "429" not in upstream
    assert statuses[401] == upstream["401"] == limited.calls(ME)
    refused = [response for response in responses if response.status_code == 503]
    assert {response.json()["code"] for response in refused} == {"auth_service_unavailable"}
    assert all(1 <= int(response["Retry-After"]) <= 60 for response in refused)
