"""The API with the access cookie: the same pipeline as Bearer, Bearer wins, CSRF on unsafe methods."""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import access, sign_in
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_the_cookie_authenticates_the_api(remote_auth, browser_client: Client, demo_users) -> None:
    sign_in(browser_client, demo_users["alice"])

    response = browser_client.get("/api/auth/verify")

    assert response.status_code == 200
    assert response.json()["user"]["email"] == demo_users["alice"].email


def test_bearer_wins_over_the_cookie(remote_auth, browser_client, demo_users) -> None:
    sign_in(browser_client, demo_users["alice"])
    bob = demo_users["bob"]
    token = remote_auth.login(bob.email, bob.password)["accessToken"]

    response = browser_client.get("/api/auth/verify", **bearer(token))

    assert response.json()["user"]["email"] == bob.email


def test_an_expired_cookie_is_401_token_expired(remote_auth, browser_client, demo_users) -> None:
    browser_client.cookies[settings.AUTH_COOKIE_NAME] = remote_auth.mint_token(
        demo_users["alice"].id, ttl=-60
    )

    response = browser_client.get("/api/auth/verify")

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_cookie_only_post_without_csrf_is_403(remote_auth, browser_client, demo_users) -> None:
    # Any unsafe method: verify answers only GET, but authentication (and CSRF) comes first.
    sign_in(browser_client, demo_users["alice"])

    response = browser_client.post("/api/auth/verify", {}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_a_cookie_post_with_the_csrf_header_passes_csrf(
    remote_auth, browser_client, demo_users
) -> None:
    sign_in(browser_client, demo_users["alice"])
    token = browser_client.cookies[settings.CSRF_COOKIE_NAME].value

    response = browser_client.post(
        "/api/auth/verify", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 405  # authenticated; verify has no POST
    assert access(browser_client)
