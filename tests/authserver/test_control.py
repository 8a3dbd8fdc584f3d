"""The control API: presence, call counts, reset, user edits, minted tokens, codes."""

from collections.abc import Iterator

import pytest
import requests

from tests.authserver.helpers import get, me, post
from tests.fixtures.authserver import AuthServerError, DemoUser, LocalAuthServer, unwrap


@pytest.fixture(scope="module")
def uncontrolled() -> Iterator[LocalAuthServer]:
    """Yield a server started without --control."""
    with LocalAuthServer(control=False) as server:
        yield server


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/__control__/calls"), ("POST", "/__control__/reset"), ("POST", "/__control__/fault")],
)
def test_control_api_is_404_without_control_flag(
    uncontrolled: LocalAuthServer, method: str, path: str
) -> None:
    response = requests.request(method, uncontrolled.url + path, json={}, timeout=5)
    unknown = requests.request(method, uncontrolled.url + "/no/such/path", json={}, timeout=5)
    assert response.status_code == unknown.status_code == 404
    assert response.json()["error"] == unknown.json()["error"] == "not_found"


def test_calls_count_api_and_health_requests_only(auth_server_clean: LocalAuthServer) -> None:
    get(auth_server_clean, "/health")
    get(auth_server_clean, "/health?probe=1")
    post(auth_server_clean, "login", {"email": "alice@acme.test", "password": "nope"})
    get(auth_server_clean, "/api/nowhere")
    auth_server_clean.codes("alice@acme.test")
    assert auth_server_clean.calls() == {
        "GET /health": 2,
        "POST /api/auth/login": 1,
        "GET /api/nowhere": 1,
    }
    assert auth_server_clean.calls("GET /health") == 2
    assert auth_server_clean.calls("GET /api/auth/me") == 0


def test_calls_include_faulted_requests_and_can_be_cleared(
    auth_server_clean: LocalAuthServer,
) -> None:
    auth_server_clean.fault("status", status=500, times=1)
    get(auth_server_clean, "/api/auth/me")
    assert auth_server_clean.calls("GET /api/auth/me") == 1
    auth_server_clean.reset_calls()
    assert auth_server_clean.calls() == {}


def test_reset_restores_users_and_forgets_signups_and_sessions(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    server, bob = auth_server_clean, demo_users["bob"]
    session = server.login(bob.email, bob.password)
    server.update_user(bob.email, last_name="Changed", active=False)
    signup = {
        "email": "new@corp.test",
        "password": "new-password-1",
        "firstName": "New",
        "lastName": "User",
        "company": "Corp",
    }
    assert post(server, "signup", signup).status_code == 201
    server.fault("status", status=500)

    server.reset()
    assert server.user(bob.email)["lastName"] == "Brown"
    assert server.user(bob.email)["active"] is True
    with pytest.raises(AuthServerError, match="404"):
        server.user("new@corp.test")
    assert post(server, "refresh", {"refreshToken": session["refreshToken"]}).status_code == 401
    assert get(server, "/health").status_code == 200
    assert server.calls() == {"POST /api/auth/refresh": 1, "GET /health": 1}


def test_reset_forgets_revocations(auth_server_clean: LocalAuthServer) -> None:
    token = auth_server_clean.mint_token("alice@acme.test")
    post(auth_server_clean, "logout", {}, headers={"Authorization": f"Bearer {token}"})
    assert me(auth_server_clean, token).status_code == 401
    auth_server_clean.reset()
    assert me(auth_server_clean, token).status_code == 200


def test_update_user_moves_to_a_new_organization_visible_on_me(
    auth_server_clean: LocalAuthServer,
) -> None:
    token = auth_server_clean.mint_token("bob@acme.test")
    updated = auth_server_clean.update_user(
        "bob@acme.test",
        email="robert@acme.test",
        organization={"id": "5f0c8f5e-8d1c-4bb4-9a83-3f2f1d1f0a11", "name": "Initech"},
    )
    assert "password" not in updated
    assert "passwordHash" not in updated
    data = unwrap(me(auth_server_clean, token).json())
    assert data["user"]["email"] == "robert@acme.test"
    assert data["user"]["org"] == "5f0c8f5e-8d1c-4bb4-9a83-3f2f1d1f0a11"
    assert data["organization"] == {"id": data["user"]["org"], "name": "Initech"}


def test_update_user_renames_an_existing_organization(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    carol = demo_users["carol"]
    auth_server_clean.update_user(carol.id, organization={"id": carol.org, "name": "Globex 2"})
    data = auth_server_clean.login(carol.email, carol.password)
    assert data["organization"]["name"] == "Globex 2"
    assert data["licenses"]["all"]["tier"] == "enterprise"


def test_update_user_password_changes_login(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.update_user("alice@acme.test", password="set-by-a-test")
    assert auth_server_clean.login("alice@acme.test", "set-by-a-test")["accessToken"]


@pytest.mark.parametrize(
    ("ident", "fields", "status"),
    [
        ("nobody@acme.test", {"first_name": "X"}, "404"),
        ("alice@acme.test", {"nickname": "Al"}, "400"),
        ("alice@acme.test", {"active": "yes"}, "400"),
        ("alice@acme.test", {"org": "no-such-org"}, "400"),
        ("alice@acme.test", {"email": "bob@acme.test"}, "409"),
        ("alice@acme.test", {"organization": {"id": "new-org-without-name"}}, "400"),
    ],
)
def test_update_user_refusals(
    auth_server_clean: LocalAuthServer, ident: str, fields: dict[str, object], status: str
) -> None:
    with pytest.raises(AuthServerError, match=status):
        auth_server_clean.update_user(ident, **fields)


def test_mint_token_honours_claim_overrides(auth_server_clean: LocalAuthServer) -> None:
    expired = auth_server_clean.mint_token("alice@acme.test", claims={"exp": 1_000_000_000})
    assert me(auth_server_clean, expired).status_code == 401
    custom = auth_server_clean.mint_token("alice@acme.test", ttl=60, claims={"products": []})
    assert me(auth_server_clean, custom).status_code == 200


def test_codes_return_the_latest_verification_code(auth_server_clean: LocalAuthServer) -> None:
    assert auth_server_clean.codes("zed@corp.test") == {"verifyCode": None, "resetToken": None}
    signup = {
        "email": "zed@corp.test",
        "password": "zed-password-1",
        "firstName": "Zed",
        "lastName": "Z",
        "company": "Corp",
    }
    post(auth_server_clean, "signup", signup)
    code = auth_server_clean.codes("ZED@corp.test")["verifyCode"]
    assert code is not None
    assert len(code) == 6


def test_configure_refuses_unknown_values(auth_server_clean: LocalAuthServer) -> None:
    with pytest.raises(AuthServerError, match="400"):
        auth_server_clean.configure(me_shape="everywhere")
    with pytest.raises(AuthServerError, match="400"):
        auth_server_clean.configure(colour="blue")


def test_a_user_can_be_taken_out_of_every_organization(auth_server_clean: LocalAuthServer) -> None:
    updated = auth_server_clean.update_user("alice@acme.test", org=None)
    token = auth_server_clean.mint_token("alice@acme.test")

    body = me(auth_server_clean, token).json()["data"]
    assert updated["org"] is None
    assert (body["user"]["org"], body["organization"]) == (None, None)


def test_org_field_absent_says_nothing_about_the_organization(
    auth_server_clean: LocalAuthServer,
) -> None:
    auth_server_clean.configure(org_field="absent")
    token = auth_server_clean.mint_token("alice@acme.test")

    body = me(auth_server_clean, token).json()["data"]
    assert "org" not in body["user"]
    assert "organization" not in body


def test_emails_keep_their_case_and_names_may_be_long_or_carry_nul(
    auth_server_clean: LocalAuthServer,
) -> None:
    updated = auth_server_clean.update_user(
        "bob@acme.test", email="ROOT@corp.test", firstName="F" * 200, lastName="B\u0000b"
    )

    assert (updated["email"], updated["firstName"], updated["lastName"]) == (
        "ROOT@corp.test",
        "F" * 200,
        "B\u0000b",
    )
    assert auth_server_clean.user("root@corp.test")["id"] == updated["id"]


def test_user_ids_can_be_integers(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.configure(user_id_type="integer")
    alice = auth_server_clean.user("alice@acme.test")

    body = me(auth_server_clean, auth_server_clean.mint_token(alice["id"])).json()["data"]

    assert body["user"]["sub"] == alice["number"] == 1
