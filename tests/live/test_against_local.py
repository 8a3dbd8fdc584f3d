"""The contract suite against the local stand-in, in every response shape and real-server profile.

Runs whenever AUTH_LIVE_URL is unset (CI included), so the live suite cannot rot unnoticed.
"""

import os
from typing import Any

import pytest

from .checks import ContractChecks
from .conftest import Target

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        bool(os.environ.get("AUTH_LIVE_URL")),
        reason="AUTH_LIVE_URL is set: the live server is checked instead (test_live_server.py)",
    ),
]

SHAPES: dict[str, dict[str, str]] = {
    "wrapped-data.user-sub": {},
    "bare-user-id": {"envelope": "bare", "me_shape": "user", "user_id_key": "id"},
    "bare-body-sub": {"envelope": "bare", "me_shape": "body"},
    "wrapped-data-id": {"me_shape": "data", "user_id_key": "id"},
}
# The real servers of docs/auth-server-contract.md, imitated whole (authserver/profiles.py).
PROFILES = ("token", "usermg")


@pytest.fixture(params=[*SHAPES, *(f"profile-{name}" for name in PROFILES)])
def target(request: pytest.FixtureRequest, auth_server_clean: Any, demo_users: Any) -> Target:
    """Return the local auth server (reset, in one shape or profile) and alice's account."""
    if request.param.startswith("profile-"):
        auth_server_clean.use_profile(request.param.removeprefix("profile-"))
    elif SHAPES[request.param]:
        auth_server_clean.configure(**SHAPES[request.param])
    alice = demo_users["alice"]
    return Target(
        name=f"local {request.param}",
        url=auth_server_clean.url,
        email=alice.email,
        password=alice.password,
        allow_signup=True,  # the server is reset before every test
    )


class TestAgainstLocalServer(ContractChecks):
    """Every contract check, against the local stand-in."""
