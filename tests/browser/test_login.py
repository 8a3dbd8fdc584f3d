"""/login/: the form, both HttpOnly cookies, `next`, remember me, one generic failure, 503."""

from dataclasses import replace

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import csrf, sign_in

pytestmark = pytest.mark.django_db


def test_the_form_renders_without_javascript(browser_client: Client) -> None:
    response = browser_client.get("/login/?next=/account/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'name="email"' in body
    assert 'name="password"' in body
    assert 'name="remember"' in body
    assert "<script" not in body


def test_sign_in_sets_two_httponly_cookies_and_redirects(
    remote_auth, browser_client: Client, demo_users
) -> None:
    response = sign_in(browser_client, demo_users["alice"])

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    access = response.cookies[settings.AUTH_COOKIE_NAME]
    refresh = response.cookies[settings.AUTH_COOKIE_REFRESH_NAME]
    assert access["httponly"]
    assert refresh["httponly"]
    assert access["samesite"] == refresh["samesite"] == "Lax"
    assert access["path"] == "/"
    assert refresh["path"] == settings.AUTH_REFRESH_PATH
    assert access["max-age"] == ""
    assert refresh["max-age"] == ""


def test_remember_me_makes_the_cookies_last(remote_auth, browser_client, demo_users) -> None:
    response = sign_in(browser_client, demo_users["alice"], remember="on")

    days = settings.AUTH_COOKIE_REMEMBER_DAYS * 86400
    assert response.cookies[settings.AUTH_COOKIE_NAME]["max-age"] == days
    assert response.cookies[settings.AUTH_COOKIE_REFRESH_NAME]["max-age"] == days


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/api/auth/verify", "/api/auth/verify"), ("https://evil.example/", "/account/")],
)
def test_next_is_followed_only_on_this_site(
    remote_auth, browser_client, demo_users, target, expected
) -> None:
    response = sign_in(browser_client, demo_users["alice"], next=target)

    assert response["Location"] == expected


def test_failures_share_one_message(remote_auth, browser_client, demo_users) -> None:
    alice = demo_users["alice"]
    wrong = sign_in(browser_client, replace(alice, password="wrong-password"))
    unverified = sign_in(Client(enforce_csrf_checks=True), demo_users["dave"])
    unknown = sign_in(Client(enforce_csrf_checks=True), replace(alice, email="nobody@example.com"))

    messages = {r.context["error"] for r in (wrong, unverified, unknown)}
    assert [wrong.status_code, unverified.status_code, unknown.status_code] == [401, 401, 401]
    assert messages == {"Those credentials were not accepted."}
    assert settings.AUTH_COOKIE_NAME not in wrong.cookies


def test_the_auth_server_down_is_a_503_page(remote_auth, browser_client, demo_users) -> None:
    remote_auth.fault("down")

    response = sign_in(browser_client, demo_users["alice"])

    assert response.status_code == 503
    assert "unavailable" in response.context["error"]
    assert "Retry-After" in response


def test_the_form_shares_the_api_logins_throttle(
    remote_auth, browser_client, demo_users, settings
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "2/min", "login_account": "100/min"},
    }
    wrong = {"email": demo_users["alice"].email, "password": "wrong"}
    token = csrf(browser_client)

    form = [
        browser_client.post("/login/", {**wrong, "csrfmiddlewaretoken": token}).status_code
        for _ in range(2)
    ]
    api = Client().post("/api/auth/login", wrong, content_type="application/json")

    assert form == [401, 401]
    assert api.status_code == 429


def test_a_post_without_csrf_is_refused(remote_auth, browser_client, demo_users) -> None:
    alice = demo_users["alice"]

    response = browser_client.post("/login/", {"email": alice.email, "password": alice.password})

    assert response.status_code == 403
    assert settings.AUTH_COOKIE_NAME not in response.cookies
