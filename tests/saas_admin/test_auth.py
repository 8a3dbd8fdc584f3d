import json

import pytest

from saas_admin.auth import AuthServer
from saas_admin.errors import ApiError, AuthenticationRequired, BadResponse, ServiceUnavailable
from saas_admin.tokens import Tokens
from saas_admin.transport import Transport
from tests.saas_admin.conftest import ACCESS, AUTH, FRESH, REFRESH, ROTATED, SECRETS

LOGIN = f"{AUTH}/api/auth/login"
REFRESH_URL = f"{AUTH}/api/auth/refresh"
LOGOUT = f"{AUTH}/api/auth/logout"
IDENTITY = {
    "user": {"sub": "u-1", "email": "alice@acme.test"},
    "organization": {"id": "org-1", "name": "Acme Corp"},
    "licenses": {"buildeasy": {"tier": "pro"}},
}

ROTATED_DATA = {"accessToken": FRESH, "refreshToken": ROTATED}
LOGIN_DATA = {**IDENTITY, "accessToken": ACCESS, "refreshToken": REFRESH}


@pytest.fixture
def auth(waits):
    return AuthServer(AUTH + "/", Transport(sleep=waits.append))


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "message": "Login successful.", "data": LOGIN_DATA},
        {**LOGIN_DATA, "message": "Login successful."},
    ],
    ids=["envelope", "bare"],
)
def test_login_reads_enveloped_and_bare_answers(mocked, auth, body):
    mocked.post(LOGIN, json=body)
    tokens, identity = auth.login("alice@acme.test", "demo-password-1")
    assert tokens == Tokens(ACCESS, REFRESH)
    assert identity == IDENTITY
    assert json.loads(mocked.calls[0].request.body) == {
        "email": "alice@acme.test",
        "password": "demo-password-1",
    }


def test_login_without_a_refresh_token_still_logs_in(mocked, auth):
    mocked.post(LOGIN, json={"success": True, "data": {**IDENTITY, "accessToken": ACCESS}})
    tokens, _ = auth.login("alice@acme.test", "pw")
    assert tokens == Tokens(ACCESS, None)


def test_login_refused_is_an_api_error_with_the_servers_code(mocked, auth):
    body = {"success": False, "error": "invalid_credentials", "message": "Invalid email."}
    mocked.post(LOGIN, status=401, json=body)
    with pytest.raises(ApiError) as caught:
        auth.login("alice@acme.test", "demo-password-1")
    assert (caught.value.status, caught.value.code) == (401, "invalid_credentials")
    assert "demo-password-1" not in str(caught.value)


def test_login_answer_without_an_access_token_is_a_bad_response(mocked, auth):
    mocked.post(LOGIN, json={"success": True, "data": IDENTITY})
    with pytest.raises(BadResponse, match="accessToken"):
        auth.login("alice@acme.test", "pw")


def test_login_server_error_is_unavailable(mocked, auth):
    mocked.post(LOGIN, status=500, json={"success": False, "error": "boom"})
    with pytest.raises(ServiceUnavailable):
        auth.login("alice@acme.test", "pw")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (ROTATED_DATA, Tokens(FRESH, ROTATED)),
        ({"success": True, "data": ROTATED_DATA}, Tokens(FRESH, ROTATED)),
        ({"accessToken": FRESH}, Tokens(FRESH, REFRESH)),
    ],
    ids=["bare-rotated", "envelope-rotated", "not-rotated"],
)
def test_refresh_keeps_the_old_refresh_token_unless_rotated(mocked, auth, body, expected):
    mocked.post(REFRESH_URL, json=body)
    assert auth.refresh(REFRESH) == expected
    assert json.loads(mocked.calls[0].request.body) == {"refreshToken": REFRESH}


@pytest.mark.parametrize("status", [400, 401, 403])
def test_refresh_refused_requires_a_new_login(mocked, auth, status):
    body = {"success": False, "error": "refresh_invalid", "message": "Invalid refresh token."}
    mocked.post(REFRESH_URL, status=status, json=body)
    with pytest.raises(AuthenticationRequired) as caught:
        auth.refresh(REFRESH)
    assert caught.value.code == "refresh_invalid"
    assert all(secret not in str(caught.value) for secret in SECRETS)


def test_refresh_during_an_outage_is_unavailable_not_a_logout(mocked, auth, waits):
    for _ in range(4):
        mocked.post(REFRESH_URL, status=503, headers={"Retry-After": "1"}, json={})
    with pytest.raises(ServiceUnavailable):
        auth.refresh(REFRESH)
    assert waits == [1.0, 1.0, 1.0]


def test_logout_sends_the_refresh_token_and_the_bearer(mocked, auth):
    mocked.post(LOGOUT, status=204)
    auth.logout(Tokens(ACCESS, REFRESH))
    request = mocked.calls[0].request
    assert json.loads(request.body) == {"refreshToken": REFRESH}
    assert request.headers["Authorization"] == f"Bearer {ACCESS}"


def test_logout_failure_raises(mocked, auth):
    mocked.post(LOGOUT, status=400, json={"success": False, "error": "validation_error"})
    with pytest.raises(ApiError):
        auth.logout(Tokens(ACCESS))
