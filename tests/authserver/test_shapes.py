"""Response shapes: both envelopes, every /me shape and both user id keys."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.authserver.helpers import me, post
from tests.fixtures.authserver import DemoUser, LocalAuthServer

ALICE_ID = "78b5873c-c094-480e-bf2b-8479f86576b3"


@pytest.fixture(scope="module")
def bare_server() -> Iterator[LocalAuthServer]:
    """Yield a server started with --envelope bare (and no control API)."""
    with LocalAuthServer("--envelope", "bare", control=False) as server:
        yield server


def test_bare_envelope_flag_puts_login_fields_at_top_level(
    bare_server: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    body = post(bare_server, "login", {"email": alice.email, "password": alice.password}).json()
    assert "data" not in body
    assert body["user"]["sub"] == alice.id
    assert body["accessToken"]
    me_body = me(bare_server, body["accessToken"]).json()
    assert me_body["user"]["email"] == alice.email
    assert "success" not in me_body


def test_errors_keep_the_error_envelope_when_bare(bare_server: LocalAuthServer) -> None:
    response = post(bare_server, "login", {"email": "alice@acme.test", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["success"] is False
    assert response.json()["error"] == "invalid_credentials"


def test_configure_bare_envelope_at_runtime(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.configure(envelope="bare")
    refresh = auth_server_clean.login("alice@acme.test", "demo-password-1")["refreshToken"]
    body = post(auth_server_clean, "refresh", {"refreshToken": refresh}).json()
    assert set(body) == {"accessToken", "refreshToken"}


def test_wrapped_envelope_by_default(auth_server_clean: LocalAuthServer) -> None:
    refresh = auth_server_clean.login("alice@acme.test", "demo-password-1")["refreshToken"]
    body = post(auth_server_clean, "refresh", {"refreshToken": refresh}).json()
    assert body["success"] is True
    assert set(body["data"]) == {"accessToken", "refreshToken"}


def me_parts(shape: str, body: dict[str, Any]) -> tuple[dict[str, Any], Any, object]:
    """Return (user, organization, success flag) where `shape` says /me puts them."""
    if shape == "data.user":
        return body["data"]["user"], body["data"]["organization"], body["success"]
    if shape == "user":
        return body["user"], body["organization"], body["ok"]
    if shape == "data":
        return body["data"], body["data"]["organization"], body["success"]
    return body, None, True


@pytest.mark.parametrize("id_key", ["sub", "id"])
@pytest.mark.parametrize("shape", ["data.user", "user", "data", "body"])
def test_me_shapes_and_user_id_keys(
    auth_server_clean: LocalAuthServer, shape: str, id_key: str
) -> None:
    auth_server_clean.configure(me_shape=shape, user_id_key=id_key)
    token = auth_server_clean.mint_token("alice@acme.test")
    user, organization, flag = me_parts(shape, me(auth_server_clean, token).json())
    assert flag is True
    assert user[id_key] == ALICE_ID
    assert ("id" if id_key == "sub" else "sub") not in user
    assert user["email"] == "alice@acme.test"
    if organization is not None:
        assert organization["name"] == "Acme Corp"


def test_user_id_key_applies_to_login_too(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.configure(user_id_key="id")
    user = auth_server_clean.login("alice@acme.test", "demo-password-1")["user"]
    assert user["id"] == ALICE_ID
    assert "sub" not in user


def test_reset_restores_start_up_shapes(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.configure(envelope="bare", me_shape="body", user_id_key="id")
    auth_server_clean.reset()
    assert auth_server_clean.configure() == {
        "envelope": "wrapped",
        "meShape": "data.user",
        "userIdKey": "sub",
        "orgField": "stated",
        "userIdType": "string",
    }
