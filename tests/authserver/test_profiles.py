"""Profiles: the local auth server imitates each real server of the family, over real HTTP."""

from typing import Any

import pytest

from authserver.__main__ import parse_args, to_config
from authserver.app import profile_settings
from authserver.profiles import LoginLimit, ProfileSettings
from tests.authserver.helpers import bearer, get, me, post
from tests.fixtures.authserver import AuthServerError, DemoUser, LocalAuthServer


def login(server: LocalAuthServer, user: DemoUser) -> dict[str, Any]:
    response = post(server, "login", {"email": user.email, "password": user.password})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_token_profile_answers_tokens_without_a_user(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    auth_server_clean.use_profile("token")

    body = login(auth_server_clean, demo_users["alice"])

    assert set(body) == {"accessToken", "refreshToken", "expiresIn"}
    assert body["expiresIn"] == "30m"
    refreshed = post(auth_server_clean, "refresh", {"refreshToken": body["refreshToken"]}).json()
    assert set(refreshed) == {"accessToken", "refreshToken", "expiresIn"}


def test_token_profile_me_is_flat_and_404_for_a_deleted_user(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    auth_server_clean.use_profile("token")
    alice = demo_users["alice"]
    token = login(auth_server_clean, alice)["accessToken"]
    assert me(auth_server_clean, token).json() == {"id": alice.id, "email": alice.email}

    auth_server_clean.delete_user(alice.email)

    gone = me(auth_server_clean, token)
    assert gone.status_code == 404
    assert gone.json()["error"] == "user_not_found"


def test_token_profile_has_no_health_endpoint(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.use_profile("token")

    assert get(auth_server_clean, "/health").status_code == 404


def test_token_profile_logout_revokes_only_a_body_access_token(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    auth_server_clean.use_profile("token")
    first = login(auth_server_clean, demo_users["alice"])
    second = login(auth_server_clean, demo_users["alice"])

    post(auth_server_clean, "logout", {}, headers=bearer(first["accessToken"]))
    body = {"accessToken": second["accessToken"], "refreshToken": second["refreshToken"]}
    post(auth_server_clean, "logout", body)

    assert me(auth_server_clean, first["accessToken"]).status_code == 200
    assert me(auth_server_clean, second["accessToken"]).status_code == 401
    assert auth_server_clean.open_sessions() == 1


def test_usermg_profile_speaks_integer_ids_and_one_name(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    auth_server_clean.use_profile("usermg")

    body = login(auth_server_clean, demo_users["alice"])

    assert body["ok"] is True
    user = body["data"]["user"]
    assert isinstance(user["id"], int)
    assert user["name"] == "Alice Anders"
    assert "organization" not in body["data"]
    assert "firstName" not in user
    answer = me(auth_server_clean, body["data"]["accessToken"]).json()
    assert set(answer) == {"ok", "message", "user"}
    assert answer["user"]["id"] == user["id"]


def test_usermg_profile_logout_is_204_and_health_has_no_status(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    auth_server_clean.use_profile("usermg")
    tokens = login(auth_server_clean, demo_users["bob"])["data"]

    out = post(
        auth_server_clean,
        "logout",
        {"refreshToken": tokens["refreshToken"]},
        headers=bearer(tokens["accessToken"]),
    )

    assert (out.status_code, out.content) == (204, b"")
    assert me(auth_server_clean, tokens["accessToken"]).status_code == 401
    health = get(auth_server_clean, "/health")
    assert health.status_code == 200
    assert "status" not in health.json()


def test_login_limit_is_the_profiles_and_settable(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    assert auth_server_clean.use_profile("token", login_limit=2)["loginWindow"] == 60
    bob = demo_users["bob"]
    statuses = [
        post(auth_server_clean, "login", {"email": bob.email, "password": bob.password}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]

    auth_server_clean.reset()

    assert auth_server_clean.calls() == {}
    assert login(auth_server_clean, bob)["success"] is True  # back to the contract, unlimited


def test_unknown_profile_is_refused(auth_server_clean: LocalAuthServer) -> None:
    with pytest.raises(AuthServerError, match="400"):
        auth_server_clean.use_profile("express")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ProfileSettings("contract", None)),
        (["--profile", "token"], ProfileSettings("token", LoginLimit(10, 60.0))),
        (["--profile", "usermg"], ProfileSettings("usermg", LoginLimit(10, 900.0))),
        (["--profile", "usermg", "--login-limit", "0"], ProfileSettings("usermg", None)),
        (
            ["--login-limit", "3", "--login-window", "5"],
            ProfileSettings("contract", LoginLimit(3, 5.0)),
        ),
    ],
)
def test_command_line_profile_and_login_limit(argv: list[str], expected: ProfileSettings) -> None:
    assert profile_settings(to_config(parse_args(argv))) == expected


def test_server_started_with_a_profile_imitates_it(demo_users: dict[str, DemoUser]) -> None:
    with LocalAuthServer("--profile", "token") as server:
        assert get(server, "/health").status_code == 404
        assert set(login(server, demo_users["carol"])) == {
            "accessToken",
            "refreshToken",
            "expiresIn",
        }
