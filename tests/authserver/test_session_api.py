"""Login, /me, refresh, logout and health, over real HTTP against the subprocess."""

import time

import jwt
import pytest

from tests.authserver.helpers import bearer, get, me, post
from tests.fixtures.authserver import TEST_SECRET, DemoUser, LocalAuthServer, unwrap


def test_login_returns_user_organization_licenses_and_tokens(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    response = post(auth_server_clean, "login", {"email": alice.email, "password": alice.password})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["user"] == {
        "sub": alice.id,
        "email": alice.email,
        "org": alice.org,
        "products": list(alice.products),
        "firstName": "Alice",
        "lastName": "Anders",
        "emailVerified": True,
        "role": "admin",
    }
    assert data["organization"] == {"id": alice.org, "name": "Acme Corp"}
    assert data["licenses"]["buildeasy"]["tier"] == "pro"
    assert data["accessToken"]
    assert data["refreshToken"]


def test_access_token_carries_contract_claims(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    bob = demo_users["bob"]
    token = auth_server_clean.login(bob.email, bob.password)["accessToken"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
    assert set(claims) == {"sub", "email", "org", "products", "exp", "iat", "jti"}
    assert (claims["sub"], claims["org"], claims["products"]) == (bob.id, bob.org, ["buildeasy"])
    assert claims["exp"] - claims["iat"] == 900
    assert abs(claims["iat"] - time.time()) < 60


@pytest.mark.parametrize(
    ("user", "password", "status", "code"),
    [
        ("alice", "wrong-password", 401, "invalid_credentials"),
        ("nobody", "demo-password-1", 401, "invalid_credentials"),
        ("dave", None, 403, "email_not_verified"),
        ("erin", None, 403, "account_inactive"),
    ],
)
def test_login_refusals(
    auth_server_clean: LocalAuthServer,
    demo_users: dict[str, DemoUser],
    user: str,
    password: str | None,
    status: int,
    code: str,
) -> None:
    known = demo_users.get(user)
    email = known.email if known else f"{user}@acme.test"
    secret = password or (known.password if known else "")
    response = post(auth_server_clean, "login", {"email": email, "password": secret})
    assert response.status_code == status
    body = response.json()
    assert (body["success"], body["error"]) == (False, code)
    assert body["message"]


@pytest.mark.parametrize(
    ("body", "raw"),
    [
        ({"email": "alice@acme.test"}, None),
        ({"password": "demo-password-1"}, None),
        (["alice@acme.test", "demo-password-1"], None),
        (None, b"email=alice@acme.test&password=demo-password-1"),
        (None, b"{not json"),
        (None, None),
    ],
)
def test_login_with_missing_fields_or_non_json_is_400(
    auth_server_clean: LocalAuthServer, body: object, raw: bytes | None
) -> None:
    response = post(auth_server_clean, "login", body, data=raw)
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert response.json()["message"]


def test_me_reflects_the_current_store(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    bob = demo_users["bob"]
    token = auth_server_clean.login(bob.email, bob.password)["accessToken"]
    auth_server_clean.update_user(bob.email, first_name="Robert", products=["autoflow"])
    user = unwrap(me(auth_server_clean, token).json())["user"]
    assert (user["firstName"], user["products"]) == ("Robert", ["autoflow"])


def test_me_for_deactivated_user_is_403(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    bob = demo_users["bob"]
    token = auth_server_clean.login(bob.email, bob.password)["accessToken"]
    auth_server_clean.update_user(bob.id, active=False)
    response = me(auth_server_clean, token)
    assert response.status_code == 403
    assert response.json()["error"] == "account_inactive"


def test_me_with_expired_token_is_401(auth_server_clean: LocalAuthServer) -> None:
    token = auth_server_clean.mint_token("alice@acme.test", ttl=-10)
    response = me(auth_server_clean, token)
    assert response.status_code == 401
    assert response.json()["error"] == "token_expired"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b.c",
        jwt.encode(
            {"sub": "x", "jti": "y", "exp": 4102444800},
            "a-different-signing-key-of-32-bytes-or-more",
        ),
    ],
)
def test_me_with_invalid_token_is_401(auth_server_clean: LocalAuthServer, token: str) -> None:
    response = me(auth_server_clean, token)
    assert response.status_code == 401
    assert response.json()["error"] == "token_invalid"


def test_me_without_bearer_is_401(auth_server_clean: LocalAuthServer) -> None:
    response = get(auth_server_clean, "/api/auth/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401


def test_minted_token_for_unknown_claims_sub_is_401(auth_server_clean: LocalAuthServer) -> None:
    token = auth_server_clean.mint_token("alice@acme.test", claims={"sub": "no-such-user"})
    assert me(auth_server_clean, token).status_code == 401


def test_refresh_with_unknown_token_is_401(auth_server_clean: LocalAuthServer) -> None:
    response = post(auth_server_clean, "refresh", {"refreshToken": "not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["error"] == "refresh_invalid"


def test_logout_with_refresh_token_only_revokes_that_sessions_access_tokens(
    auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    carol = demo_users["carol"]
    ended = auth_server_clean.login(carol.email, carol.password)
    other = auth_server_clean.login(carol.email, carol.password)
    logout = post(auth_server_clean, "logout", {"refreshToken": ended["refreshToken"]})
    assert logout.status_code == 200
    assert me(auth_server_clean, ended["accessToken"]).status_code == 401
    assert me(auth_server_clean, other["accessToken"]).status_code == 200


def test_logout_with_bearer_only_revokes_that_token(auth_server_clean: LocalAuthServer) -> None:
    token = auth_server_clean.mint_token("carol@globex.test")
    assert post(auth_server_clean, "logout", {}, headers=bearer(token)).status_code == 200
    assert me(auth_server_clean, token).status_code == 401


def test_logout_without_any_token_is_400(auth_server_clean: LocalAuthServer) -> None:
    assert post(auth_server_clean, "logout", {}).status_code == 400


def test_health_answers_the_seen_shape(auth_server_clean: LocalAuthServer) -> None:
    body = get(auth_server_clean, "/health").json()
    assert body["status"] == "healthy"
    assert body["environment"] == "local"
    assert body["database"] == "connected"
    assert body["version"]
