"""The refresh endpoint, /logout/ and /account/."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.browser.conftest import access, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def expire_access(client: Client, remote_auth, user) -> None:
    """Force the access cookie's expiry: an expired token minted by the auth server's control API."""
    client.cookies[settings.AUTH_COOKIE_NAME] = remote_auth.mint_token(user.id, ttl=-60)


def test_a_page_load_with_an_expired_token_goes_through_refresh_and_back(
    remote_auth, browser_client: Client, demo_users
) -> None:
    alice = demo_users["alice"]
    sign_in(browser_client, alice)
    old_refresh = browser_client.cookies[settings.AUTH_COOKIE_REFRESH_NAME].value
    expire_access(browser_client, remote_auth, alice)

    page = browser_client.get("/account/")
    back = browser_client.get(page["Location"])
    again = browser_client.get(back["Location"])

    assert page.status_code == 302
    assert page["Location"] == "/auth/refresh/?next=%2Faccount%2F"
    assert back["Location"] == "/account/"
    assert browser_client.cookies[settings.AUTH_COOKIE_REFRESH_NAME].value != old_refresh
    assert again.status_code == 200
    assert alice.email in again.content.decode()


def test_the_fetch_helper_refresh_needs_csrf_and_replaces_both_cookies(
    remote_auth, browser_client, demo_users
) -> None:
    alice = demo_users["alice"]
    sign_in(browser_client, alice)
    expire_access(browser_client, remote_auth, alice)
    expired = access(browser_client)
    csrf = browser_client.cookies[settings.CSRF_COOKIE_NAME].value

    refused = browser_client.post("/auth/refresh/")
    refreshed = browser_client.post("/auth/refresh/", HTTP_X_CSRFTOKEN=csrf)
    api = browser_client.get("/api/auth/verify")

    assert refused.status_code == 403
    assert refreshed.json() == {"refreshed": True}
    assert set(refreshed.cookies) >= {settings.AUTH_COOKIE_NAME, settings.AUTH_COOKIE_REFRESH_NAME}
    assert access(browser_client) != expired
    assert api.status_code == 200


def test_a_live_token_is_not_refreshed(remote_auth, browser_client, demo_users) -> None:
    sign_in(browser_client, demo_users["alice"])
    token = access(browser_client)
    csrf = browser_client.cookies[settings.CSRF_COOKIE_NAME].value

    response = browser_client.post("/auth/refresh/", HTTP_X_CSRFTOKEN=csrf)

    assert response.json() == {"refreshed": False}
    assert access(browser_client) == token


def test_parallel_tabs_refresh_once(remote_auth, demo_users) -> None:
    alice = demo_users["alice"]
    first = Client()
    sign_in(first, alice)
    expire_access(first, remote_auth, alice)
    tabs = [Client() for _ in range(4)]
    for tab in tabs:
        for name in (settings.AUTH_COOKIE_NAME, settings.AUTH_COOKIE_REFRESH_NAME):
            tab.cookies[name] = first.cookies[name].value
    remote_auth.reset_calls()

    def load(tab: Client) -> str:
        try:
            response = tab.get("/auth/refresh/?next=/account/")
            return str(response.cookies[settings.AUTH_COOKIE_NAME].value)
        finally:
            connection.close()

    with ThreadPoolExecutor(len(tabs)) as pool:
        tokens = list(pool.map(load, tabs))

    assert len(set(tokens)) == 1
    assert remote_auth.calls("POST /api/auth/refresh") == 1


def test_logout_revokes_and_clears_both_cookies(remote_auth, browser_client, demo_users) -> None:
    sign_in(browser_client, demo_users["alice"])
    token = access(browser_client)
    csrf = browser_client.cookies[settings.CSRF_COOKIE_NAME].value

    refused = browser_client.post("/logout/")
    response = browser_client.post("/logout/", {"csrfmiddlewaretoken": csrf}, follow=True)
    replay = Client()
    replay.cookies[settings.AUTH_COOKIE_NAME] = token

    assert refused.status_code == 403
    assert response.redirect_chain == [("/auth/refresh/?logout=1", 307), ("/login/", 302)]
    assert browser_client.cookies[settings.AUTH_COOKIE_NAME].value == ""
    cleared = browser_client.cookies[settings.AUTH_COOKIE_REFRESH_NAME]
    assert cleared.value == ""
    assert cleared["path"] == settings.AUTH_REFRESH_PATH
    assert replay.get("/api/auth/verify").status_code == 401
    assert remote_auth.open_sessions() == 0


def test_the_account_page_shows_who_and_what(remote_auth, browser_client, demo_users) -> None:
    sign_in(browser_client, demo_users["alice"])

    response = browser_client.get("/account/")

    body = response.content.decode()
    assert response.status_code == 200
    assert demo_users["alice"].email in body
    assert 'name="viewport"' in body
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert body.count("<script") == body.count('<script src="/static/browser/fetch.js">')
    assert response.context["organization"].id == demo_users["alice"].org


def test_the_account_page_without_cookie_goes_to_login(browser_client) -> None:
    response = browser_client.get("/account/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Faccount%2F"


def test_the_refresh_endpoint_shares_the_api_refresh_throttle(
    remote_auth, browser_client, demo_users, settings
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"refresh": "1/min"},
    }
    csrf = browser_client.get("/login/").context["csrf_token"]

    first = browser_client.post("/auth/refresh/", HTTP_X_CSRFTOKEN=str(csrf))
    second = browser_client.post("/auth/refresh/", HTTP_X_CSRFTOKEN=str(csrf))

    assert first.status_code == 401
    assert second.status_code == 429
    assert "Retry-After" in second
