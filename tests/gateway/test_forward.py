"""GET/HEAD /api/auth/forward against the local auth server: headers, refusals, requirements."""

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from apps.gateway.headers import header_value, identity_headers
from core.conf import remote_auth_settings
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

FORWARD = "/api/auth/forward"


def token_of(remote_auth, demo_users, name: str) -> str:
    user = demo_users[name]
    return str(remote_auth.login(user.email, user.password)["accessToken"])


def test_a_user_token_answers_200_with_identity_headers(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]

    response = api.get(FORWARD, **bearer(token_of(remote_auth, demo_users, "alice")))

    assert response.status_code == 200
    assert response["X-User-Id"] == alice.id
    assert response["X-User-Email"] == alice.email
    assert response["X-Organization-Id"] == alice.org
    assert response["X-User-Roles"] == "admin"
    assert response["X-Auth-Source"] == "remote"
    assert "X-Service-Name" not in response


def test_head_answers_like_get(remote_auth, api, demo_users) -> None:
    response = api.head(FORWARD, **bearer(token_of(remote_auth, demo_users, "bob")))

    assert response.status_code == 200
    assert response["X-User-Roles"] == "user"


def test_the_second_answer_comes_from_the_cache(remote_auth, api, demo_users) -> None:
    token = token_of(remote_auth, demo_users, "alice")
    api.get(FORWARD, **bearer(token))

    assert api.get(FORWARD, **bearer(token))["X-Auth-Source"] == "memory"


def test_no_token_is_401_with_www_authenticate(remote_auth, api) -> None:
    response = api.get(FORWARD)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


CSRF_SECRET = "a" * 32  # Django's unmasked CSRF secret: 32 characters of its alphabet


@pytest.fixture
def browser(remote_auth, demo_users) -> APIClient:
    """A client holding alice's access cookie and a CSRF cookie, with CSRF checks enforced."""
    client = APIClient(enforce_csrf_checks=True)
    client.cookies[remote_auth_settings.ACCESS_COOKIE] = token_of(remote_auth, demo_users, "alice")
    client.cookies[django_settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "get"])
def test_the_cookie_authorises_a_safe_original_method(browser, demo_users, method) -> None:
    response = browser.get(FORWARD, HTTP_X_FORWARDED_METHOD=method)

    assert response.status_code == 200
    assert response["X-User-Id"] == demo_users["alice"].id
    assert response["X-User-Roles"] == "admin"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post", "PROPFIND"])
def test_the_cookie_alone_authorises_no_unsafe_original_method(browser, method) -> None:
    response = browser.get(FORWARD, HTTP_X_FORWARDED_METHOD=method)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]
    assert "X-User-Id" not in response


def test_no_original_method_is_judged_as_unsafe(browser) -> None:
    assert browser.get(FORWARD).status_code == 403


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_the_csrf_header_authorises_an_unsafe_original_method(browser, demo_users, method) -> None:
    response = browser.get(FORWARD, HTTP_X_FORWARDED_METHOD=method, HTTP_X_CSRFTOKEN=CSRF_SECRET)

    assert response.status_code == 200
    assert response["X-User-Id"] == demo_users["alice"].id


def test_a_wrong_csrf_header_is_403(browser) -> None:
    response = browser.get(FORWARD, HTTP_X_FORWARDED_METHOD="POST", HTTP_X_CSRFTOKEN="b" * 32)

    assert response.status_code == 403


def test_a_cross_site_origin_is_403_even_with_the_csrf_header(browser) -> None:
    response = browser.get(
        FORWARD,
        HTTP_X_FORWARDED_METHOD="POST",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert "Origin" in response.json()["detail"]


def test_the_gateways_public_origin_passes_when_trusted(browser, settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example"]

    response = browser.get(
        FORWARD,
        HTTP_X_FORWARDED_METHOD="PATCH",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
        HTTP_ORIGIN="https://app.example",
    )

    assert response.status_code == 200


def test_a_bearer_token_needs_no_csrf_proof(remote_auth, demo_users) -> None:
    client = APIClient(enforce_csrf_checks=True)

    token = token_of(remote_auth, demo_users, "bob")

    response = client.get(
        FORWARD, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_FORWARDED_METHOD="POST"
    )

    assert response.status_code == 200


def test_a_bad_token_is_401_token_not_valid(remote_auth, api) -> None:
    response = api.get(FORWARD, **bearer("a.b.c"))

    assert response.status_code == 401
    assert "X-User-Id" not in response


def test_auth_server_down_uncached_is_503_with_retry_after(remote_auth, api, demo_users) -> None:
    token = token_of(remote_auth, demo_users, "alice")
    remote_auth.fault("down")

    response = api.get(FORWARD, **bearer(token))

    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"
    assert "Retry-After" in response


def test_auth_server_down_cached_is_still_200(remote_auth, api, demo_users) -> None:
    token = token_of(remote_auth, demo_users, "alice")
    assert api.get(FORWARD, **bearer(token)).status_code == 200
    remote_auth.fault("down")

    assert api.get(FORWARD, **bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("name", "query", "status", "code"),
    [
        ("alice", "?role=admin", 200, None),
        ("alice", "?role=owner", 403, "insufficient_role"),
        ("bob", "?role=admin", 403, "insufficient_role"),
        ("bob", "?role=viewer", 200, None),
        ("alice", "?scope=metrics:read", 403, "insufficient_scope"),
        ("alice", "?org=767670f4-8ab1-4904-9d50-1069848bbd41", 403, "not_a_member"),
        ("alice", "?role=boss", 400, "invalid_requirement"),
        ("alice", "?org=a%20b", 400, "invalid_requirement"),
    ],
)
def test_per_route_requirements(remote_auth, api, demo_users, name, query, status, code) -> None:
    response = api.get(FORWARD + query, **bearer(token_of(remote_auth, demo_users, name)))

    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
        assert "X-User-Id" not in response


def test_org_requirement_names_the_organization_in_the_headers(remote_auth, api, demo_users):
    alice = demo_users["alice"]

    response = api.get(
        f"{FORWARD}?org={alice.org}&role=admin",
        **bearer(token_of(remote_auth, demo_users, "alice")),
    )

    assert response.status_code == 200
    assert response["X-Organization-Id"] == alice.org


def test_header_values_lose_cr_lf_and_non_ascii() -> None:
    assert header_value("evil\r\nX-Admin: 1") == "evilX-Admin: 1"
    assert header_value("zoë@example.test") == "zo@example.test"
    assert identity_headers({"X-User-Id": "\r\n", "X-User-Email": "a@b"}) == {"X-User-Email": "a@b"}


def test_the_steady_state_reads_no_database(
    remote_auth, api, demo_users, django_assert_num_queries
) -> None:
    token = token_of(remote_auth, demo_users, "alice")
    assert api.get(f"{FORWARD}?role=admin", **bearer(token)).status_code == 200

    with django_assert_num_queries(0):
        response = api.get(f"{FORWARD}?role=admin", **bearer(token))

    assert response["X-User-Roles"] == "admin"
