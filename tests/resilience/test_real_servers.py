"""SaaS Admin against each real server of the family (the local auth server's profiles), over HTTP.

"contract" answers as docs/auth-server-contract.md describes; "token" and "usermg" imitate the two
real servers SaaS Admin was tried against (authserver/profiles.py). One compact set of checks each.
"""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from core.models import RemoteIdentity

pytestmark = pytest.mark.django_db
PROFILES = ["contract", "token", "usermg"]


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def server(profile: str, remote_auth: Any) -> Any:
    """Return the local auth server (reset) imitating `profile`, with logins not limited."""
    remote_auth.use_profile(profile)
    return remote_auth


def verify(api: APIClient, token: str) -> Any:
    return api.get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {token}")


def login(api: APIClient, user: Any) -> dict[str, Any]:
    response = api.post("/api/auth/login", {"email": user.email, "password": user.password})
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_login_verify_mirror_refresh_and_logout_through_saas_admin(
    server: Any, profile: str, api: APIClient, demo_users: Any
) -> None:
    alice = demo_users["alice"]

    session = login(api, alice)
    verified = verify(api, session["accessToken"])
    refreshed = api.post("/api/auth/refresh", {"refreshToken": session["refreshToken"]})
    token = refreshed.json()["accessToken"]
    again = verify(api, token)
    out = api.post(
        "/api/auth/logout",
        {"refreshToken": refreshed.json()["refreshToken"]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert verified.status_code == 200
    remote_id = session["user"]["remoteId"]
    assert verified.json()["user"]["remoteId"] == remote_id
    mirrored = RemoteIdentity.objects.get(remote_id=remote_id).user
    assert mirrored.email == alice.email
    if profile != "token":  # "usermg" sends one `name` and integer ids; "token" no name at all
        assert (mirrored.first_name, mirrored.last_name) == ("Alice", "Anders")
    assert remote_id.isdigit() is (profile == "usermg")
    assert again.status_code == 200
    assert out.json() == {
        "loggedOut": True,
        "upstreamConfirmed": True,
        "detail": "Logged out.",
        "code": "logged_out",
    }
    assert server.open_sessions() == 0
    assert verify(api, token).status_code == 401


def test_a_deleted_users_tokens_never_open_the_breaker(
    server: Any, api: APIClient, demo_users: Any, settings: Any
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BREAKER_THRESHOLD": 2}
    tokens = [server.mint_token(demo_users["bob"].email) for _ in range(4)]
    server.delete_user(demo_users["bob"].email)

    answers = [verify(api, token) for token in tokens for _ in (1, 2)]
    other = verify(api, server.mint_token(demo_users["carol"].email))

    assert {(a.status_code, a.json()["code"]) for a in answers} == {(401, "token_not_valid")}
    assert server.calls("GET /api/auth/me") == 5  # each token asked once, then negative-cached
    assert other.status_code == 200


def test_readiness_reports_the_auth_server_up(server: Any, api: APIClient) -> None:
    response = api.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_check_auth_server_exits_0_for_a_server_saas_admin_works_with(
    server: Any, demo_users: Any
) -> None:
    alice = demo_users["alice"]
    out = io.StringIO()
    arguments = ["--url", server.url, "--samples", "1", "--email", alice.email, "--password-stdin"]

    try:
        call_command(
            "check_auth_server", *arguments, stdin=io.StringIO(alice.password + "\n"), stdout=out
        )
    except CommandError as exc:  # pragma: no cover - the message says which check failed
        pytest.fail(f"exit status {exc.returncode}: {exc}\n{out.getvalue()}")
    assert server.open_sessions() == 0
