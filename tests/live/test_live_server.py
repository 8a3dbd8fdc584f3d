"""The contract suite against a real auth server: AUTH_LIVE_URL (+ AUTH_LIVE_EMAIL / _PASSWORD).

Safe for production: about 25 requests, every session it opens is closed, no account is
created unless AUTH_LIVE_ALLOW_SIGNUP=1. See the README, "Testing against production".
"""

import os

import pytest

from .checks import ContractChecks
from .conftest import Target

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get("AUTH_LIVE_URL"),
        reason="AUTH_LIVE_URL is not set: no live auth server to check"
        " (the same checks ran against the local stand-in, test_against_local.py)",
    ),
]


@pytest.fixture
def target() -> Target:
    """Return the live auth server and account named by the AUTH_LIVE_* variables."""
    return Target(
        name="live",
        url=os.environ["AUTH_LIVE_URL"],
        email=os.environ.get("AUTH_LIVE_EMAIL") or None,
        password=os.environ.get("AUTH_LIVE_PASSWORD") or None,
        allow_signup=os.environ.get("AUTH_LIVE_ALLOW_SIGNUP") == "1",
    )


class TestLiveServer(ContractChecks):
    """Every contract check, against AUTH_LIVE_URL."""
