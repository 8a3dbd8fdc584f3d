"""A real nginx with the shipped config (docs/gateway/) in front of an upstream echoing headers."""

import io

import pytest
import requests
from django.conf import settings as django_settings
from django.core.management import call_command

from core.conf import remote_auth_settings
from tests.fixtures.api_server import ApiServer
from tests.fixtures.nginx import Gateway

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def get(gateway: Gateway, path: str, token: str | None = None, **headers: str) -> requests.Response:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(gateway.url + path, headers=headers, timeout=30)


def login(remote_auth, demo_users, name: str) -> str:
    user = demo_users[name]
    return str(remote_auth.login(user.email, user.password)["accessToken"])


def test_no_token_is_401_at_the_gateway(gateway) -> None:
    response = get(gateway, "/anything")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_user_token_reaches_the_upstream_as_identity_headers(
    gateway, remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    token = login(remote_auth, demo_users, "alice")

    seen = get(gateway, "/anything", token, **{"X-Service-Name": "forged"}).json()

    assert seen["X-User-Id"] == alice.id
    assert seen["X-User-Email"] == alice.email
    assert seen["X-User-Roles"] == "admin"
    assert seen["X-Organization-Id"] == alice.org
    assert "X-Service-Name" not in seen  # the client's own is dropped


def test_a_client_cannot_forge_identity_headers(gateway, remote_auth, demo_users) -> None:
    token = login(remote_auth, demo_users, "bob")

    seen = get(gateway, "/", token, **{"X-User-Id": "1", "X-User-Roles": "owner"}).json()

    assert seen["X-User-Id"] == demo_users["bob"].id
    assert seen["X-User-Roles"] == "user"


CSRF = "c" * 32  # the CSRF cookie and header a same-site page would send


def cookie_post(gateway: Gateway, token: str, **headers: str) -> requests.Response:
    """POST through the gateway as a browser would: the access cookie and a CSRF cookie, no Bearer."""
    cookies = {remote_auth_settings.ACCESS_COOKIE: token, django_settings.CSRF_COOKIE_NAME: CSRF}
    return requests.post(
        gateway.url + "/", data={"a": "b"}, cookies=cookies, headers=headers, timeout=30
    )


def test_the_browser_cookie_passes_the_gateway_on_a_safe_method(
    gateway, remote_auth, demo_users
) -> None:
    token = login(remote_auth, demo_users, "alice")
    cookies = {remote_auth_settings.ACCESS_COOKIE: token}

    response = requests.get(gateway.url + "/", cookies=cookies, timeout=30)

    assert response.status_code == 200
    assert response.json()["X-User-Id"] == demo_users["alice"].id


def test_a_cookie_only_cross_site_post_is_refused_at_the_gateway(
    gateway, remote_auth, demo_users
) -> None:
    token = login(remote_auth, demo_users, "alice")

    assert cookie_post(gateway, token).status_code == 403
    foreign = cookie_post(gateway, token, **{"X-CSRFToken": CSRF, "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    proven = cookie_post(gateway, token, **{"X-CSRFToken": CSRF})
    assert proven.status_code == 200
    assert proven.json()["X-User-Id"] == demo_users["alice"].id


def test_a_service_token_reaches_the_upstream_as_x_service_name(gateway) -> None:
    out = io.StringIO()
    call_command("service_token", "create", "billing", "--scopes", "metrics:read", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]

    seen = get(gateway, "/metrics", token, **{"X-User-Id": "1"}).json()

    assert seen["X-Service-Name"] == "billing"
    assert seen["X-Service-Scopes"] == "metrics:read"
    assert "X-User-Id" not in seen


def test_an_unmet_role_is_403_at_the_gateway(gateway, remote_auth, demo_users) -> None:
    assert get(gateway, "/admin/", login(remote_auth, demo_users, "bob")).status_code == 403
    assert get(gateway, "/admin/", login(remote_auth, demo_users, "alice")).status_code == 200


def test_auth_server_down_cached_is_200_uncached_is_503_with_retry_after(
    gateway, remote_auth, demo_users
) -> None:
    cached = login(remote_auth, demo_users, "alice")
    uncached = login(remote_auth, demo_users, "bob")
    assert get(gateway, "/", cached).status_code == 200
    remote_auth.fault("down")

    assert get(gateway, "/", cached).status_code == 200
    refused = get(gateway, "/", uncached)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"].isdigit()
    assert refused.json()["code"] == "auth_service_unavailable"


def test_saas_admin_unreachable_is_503_not_500(gateway, api_server: ApiServer) -> None:
    api_server.stop()

    response = get(gateway, "/", "sat_" + "x" * 43)

    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"


def test_a_rate_limited_caller_gets_429_with_retry_after_at_the_gateway(
    tmp_path, remote_auth, demo_users
) -> None:
    limited = ApiServer(remote_auth.url, workers=1, env={"API_RATE_LIMIT": "1/hour"})
    limited.env["API_RATE_BURST"] = "1"
    gateway = Gateway(tmp_path, limited.start().port).start()
    token = login(remote_auth, demo_users, "alice")
    try:
        assert get(gateway, "/", token).status_code == 200
        refused = get(gateway, "/", token)
    finally:
        gateway.stop()
        limited.stop()

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
