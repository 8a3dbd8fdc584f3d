"""The authentication endpoints: verify, and the login / refresh / logout pass-through."""

import pytest
import requests
from django.core.cache import caches
from rest_framework.test import APIClient

from core.conf import remote_auth_settings
from core.wiring import default_cache
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_login_returns_tokens_and_identity(remote_auth, api: APIClient, demo_users) -> None:
    alice = demo_users["alice"]

    response = api.post("/api/auth/login", {"email": alice.email, "password": alice.password})

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"accessToken", "refreshToken", "user", "organization"}
    assert body["user"] == {"remoteId": alice.id, "email": alice.email}
    assert body["organization"]["id"] == alice.org


def test_login_with_a_bad_password_is_401_invalid_credentials(remote_auth, api, demo_users) -> None:
    response = api.post("/api/auth/login", {"email": demo_users["alice"].email, "password": "no"})

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert "no" not in response.content.decode().replace("not", "").replace("know", "")


def test_login_of_an_unverified_account_is_403(remote_auth, api, demo_users) -> None:
    dave = demo_users["dave"]

    response = api.post("/api/auth/login", {"email": dave.email, "password": dave.password})

    assert response.status_code == 403
    assert response.json()["code"] == "account_not_allowed"


def test_login_validates_its_body(remote_auth, api) -> None:
    response = api.post("/api/auth/login", {"email": "not-an-email"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {"email", "password"}


def test_login_with_the_auth_server_down_is_503(remote_auth, api, demo_users) -> None:
    remote_auth.fault("down")
    alice = demo_users["alice"]

    response = api.post("/api/auth/login", {"email": alice.email, "password": alice.password})

    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"
    assert "Retry-After" in response


def test_login_is_throttled_per_client_ip(remote_auth, api, demo_users, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "2/min"},
    }
    payload = {"email": demo_users["alice"].email, "password": "wrong"}

    statuses = [api.post("/api/auth/login", payload).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_refresh_rotates_and_rejects_reuse(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]
    refresh = remote_auth.login(alice.email, alice.password)["refreshToken"]

    rotated = api.post("/api/auth/refresh", {"refreshToken": refresh})
    reused = api.post("/api/auth/refresh", {"refreshToken": refresh})

    assert rotated.status_code == 200
    assert rotated.json()["accessToken"]
    assert reused.status_code == 401
    assert reused.json()["code"] == "refresh_token_not_valid"


def test_logout_makes_the_same_token_401_immediately(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]
    session = remote_auth.login(alice.email, alice.password)
    token = session["accessToken"]
    assert api.get("/api/auth/verify", **bearer(token)).status_code == 200

    logout = api.post(
        "/api/auth/logout", {"refreshToken": session["refreshToken"]}, **bearer(token)
    )
    remote_auth.fault("down")  # the 401 must come from our own revocation, not from upstream
    after = api.get("/api/auth/verify", **bearer(token))

    assert logout.status_code == 200
    assert after.status_code == 401
    assert after.json()["code"] == "token_not_valid"


def test_logout_succeeds_even_when_the_auth_server_is_down(remote_auth, api) -> None:
    remote_auth.fault("down")

    response = api.post("/api/auth/logout", {}, **bearer("a.b.c"))

    assert response.status_code == 200
    assert response.json()["loggedOut"] is True
    assert response.json()["upstreamConfirmed"] is False


def test_logout_revokes_at_a_server_that_reads_only_the_body(remote_auth, api, demo_users) -> None:
    remote_auth.use_profile("token")
    alice = demo_users["alice"]
    session = remote_auth.login(alice.email, alice.password)

    response = api.post(
        "/api/auth/logout",
        {"refreshToken": session["refreshToken"]},
        **bearer(session["accessToken"]),
    )

    assert response.json()["upstreamConfirmed"] is True
    assert remote_auth.open_sessions() == 0
    still = requests.get(
        f"{remote_auth.url}/api/auth/me",
        headers={"Authorization": f"Bearer {session['accessToken']}"},
        timeout=5,
    )
    assert still.status_code == 401


def test_login_without_a_user_asks_me_with_the_new_token(remote_auth, api, demo_users) -> None:
    remote_auth.use_profile("token")
    alice = demo_users["alice"]

    response = api.post("/api/auth/login", {"email": alice.email, "password": alice.password})

    assert response.status_code == 200
    assert response.json()["user"] == {"remoteId": alice.id, "email": alice.email}
    assert remote_auth.calls("GET /api/auth/me") == 1


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"mode": "status", "status": 503}, 503, "login_identity_unavailable"),
        ({"mode": "malformed_json"}, 502, "login_identity_unknown"),
    ],
)
def test_login_whose_identity_cannot_be_found_closes_that_session_and_says_why(
    remote_auth, api, demo_users, fault, status, code
) -> None:
    remote_auth.use_profile("token")
    remote_auth.fault(**fault, paths=["/api/auth/me"])
    alice = demo_users["alice"]

    response = api.post("/api/auth/login", {"email": alice.email, "password": alice.password})

    assert response.status_code == status
    assert response.json()["code"] == code
    assert ("Retry-After" in response) is (status == 503)
    assert remote_auth.open_sessions() == 0


def test_unknown_url_is_a_json_404(api) -> None:
    response = api.get("/api/organizations/a/b/c/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def stored_ttl(token: str) -> int:
    """Return the seconds Redis keeps the token's cache key (0 when there is none)."""
    key = default_cache().token_key(token)
    seconds: int = caches[remote_auth_settings.CACHE_ALIAS].ttl(key)  # type: ignore[attr-defined]
    return seconds


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.00000001",  # no exp
        "junk-bearer-value",  # not a JWT at all
    ],
)
def test_a_junk_logout_stores_nothing(remote_auth, api, token) -> None:
    response = api.post("/api/auth/logout", {}, **bearer(token))

    assert response.status_code == 200
    assert stored_ttl(token) == 0


@pytest.mark.parametrize(
    "token",
    [
        "junk-bearer-value",  # not a JWT at all
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZXhwIjo0MDAwMDAwMDAwfQ.",  # alg none
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjo0MDAwMDAwMDAwfQ.c2ln",  # a 3-byte HS256 signature
        None,  # nothing to end at all
    ],
)
def test_a_logout_with_nothing_the_auth_server_could_have_issued_costs_no_call(
    remote_auth, api, token
) -> None:
    remote_auth.reset_calls()

    response = api.post("/api/auth/logout", {}, **(bearer(token) if token else {}))

    assert response.status_code == 200
    assert response.json()["upstreamConfirmed"] is False
    assert remote_auth.calls("POST /api/auth/logout") == 0
    if token:
        assert stored_ttl(token) == 0


def test_a_logout_is_stored_no_longer_than_the_tokens_exp(remote_auth, api, demo_users) -> None:
    token = remote_auth.mint_token(demo_users["alice"].email, ttl=5)

    api.post("/api/auth/logout", {}, **bearer(token))

    assert 1 <= stored_ttl(token) <= 5
