import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import responses

from saas_admin import (
    ApiError,
    AuthenticationRequired,
    BadResponse,
    SaaSAdminClient,
    ServiceUnavailable,
    Tokens,
)
from tests.saas_admin.conftest import (
    ACCESS,
    API,
    AUTH,
    FRESH,
    ME,
    REFRESH,
    ROTATED,
    SECRETS,
    bearer_of,
)

VERIFY = f"{API}/api/auth/verify"
REFRESH_URL = f"{AUTH}/api/auth/refresh"
EXPIRED = {"detail": "Token has expired.", "code": "token_expired"}
REFUSED = {"success": False, "error": "refresh_invalid", "message": "Invalid refresh token."}


def verify_accepting(token):
    """Return a callback answering 200 for `token` and 401 token_expired for any other."""

    def answer(request):
        if bearer_of(request) == token:
            return 200, {}, json.dumps(ME)
        return 401, {"WWW-Authenticate": 'Bearer realm="api"'}, json.dumps(EXPIRED)

    return answer


def rotating(mocked, count=None):
    """Answer refreshes with FRESH / ROTATED, counting them in `count`."""

    def answer(request):
        if count is not None:
            count.append(json.loads(request.body)["refreshToken"])
        return (
            200,
            {},
            json.dumps({"success": True, "data": {"accessToken": FRESH, "refreshToken": ROTATED}}),
        )

    mocked.add_callback(responses.POST, REFRESH_URL, callback=answer)


def no_secret_in(*texts):
    return all(secret not in text for text in texts for secret in SECRETS)


# -- Bearer and refresh ------------------------------------------------------------------


def test_the_access_token_is_sent_as_bearer(mocked, client):
    mocked.get(VERIFY, json=ME)
    assert client.whoami() == ME
    assert mocked.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS}"


def test_a_401_refreshes_once_then_retries_with_the_new_token(mocked, client):
    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting(FRESH))
    refreshes: list[str] = []
    rotating(mocked, refreshes)
    assert client.whoami() == ME
    assert refreshes == [REFRESH]
    assert [bearer_of(call.request) for call in mocked.calls if call.request.method == "GET"] == [
        ACCESS,
        FRESH,
    ]
    assert client.tokens == Tokens(FRESH, ROTATED)


def test_a_refused_refresh_requires_login_and_forgets_the_session(mocked, client):
    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting(FRESH))
    mocked.post(REFRESH_URL, status=401, json=REFUSED)
    with pytest.raises(AuthenticationRequired) as caught:
        client.whoami()
    assert caught.value.code == "refresh_invalid"
    assert client.tokens is None


def test_a_401_after_the_refresh_requires_login_without_a_second_refresh(mocked, client):
    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting("nobody"))
    refreshes: list[str] = []
    rotating(mocked, refreshes)
    with pytest.raises(AuthenticationRequired) as caught:
        client.whoami()
    assert caught.value.code == "token_expired"
    assert len(refreshes) == 1
    assert len([c for c in mocked.calls if c.request.method == "GET"]) == 2


def test_a_401_without_a_refresh_token_requires_login(mocked, client):
    client.tokens = Tokens(ACCESS)
    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting(FRESH))
    with pytest.raises(AuthenticationRequired) as caught:
        client.whoami()
    assert caught.value.code == "token_expired"
    assert len(mocked.calls) == 1


def test_a_refresh_during_an_outage_is_unavailable_and_keeps_the_session(mocked, client, waits):
    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting(FRESH))
    mocked.post(REFRESH_URL, status=503, headers={"Retry-After": "1"}, json={})
    with pytest.raises(ServiceUnavailable):
        client.whoami()
    assert client.tokens == Tokens(ACCESS, REFRESH)


def test_without_a_session_nothing_is_sent(mocked, waits):
    client = SaaSAdminClient(AUTH, API, sleep=waits.append)
    with pytest.raises(AuthenticationRequired, match="not logged in"):
        client.whoami()
    assert len(mocked.calls) == 0


def test_concurrent_401s_cause_exactly_one_refresh(mocked, client):
    threads = 6
    everyone_refused = threading.Barrier(threads, timeout=10)

    def verify(request):
        if bearer_of(request) == FRESH:
            return 200, {}, json.dumps(ME)
        everyone_refused.wait()  # every thread holds a 401 for the old token before any refresh
        return 401, {}, json.dumps(EXPIRED)

    mocked.add_callback(responses.GET, VERIFY, callback=verify)
    refreshes: list[str] = []
    rotating(mocked, refreshes)
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda _: client.whoami(), range(threads)))
    assert results == [ME] * threads
    assert refreshes == [REFRESH]
    assert client.tokens == Tokens(FRESH, ROTATED)


def test_concurrent_401s_with_a_refused_refresh_ask_the_auth_server_once(mocked, client):
    threads = 4
    everyone_refused = threading.Barrier(threads, timeout=10)

    def verify(request):
        everyone_refused.wait()
        return 401, {}, json.dumps(EXPIRED)

    mocked.add_callback(responses.GET, VERIFY, callback=verify)
    mocked.post(REFRESH_URL, status=401, json=REFUSED)
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(client.whoami) for _ in range(threads)]
    assert all(isinstance(f.exception(), AuthenticationRequired) for f in futures)
    assert len([c for c in mocked.calls if c.request.url == REFRESH_URL]) == 1


def test_a_login_during_a_refresh_is_not_overwritten(mocked, client):
    def login_meanwhile(request):
        client.tokens = Tokens("ACCESS-new-login")
        return 200, {}, json.dumps({"accessToken": FRESH, "refreshToken": ROTATED})

    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting("ACCESS-new-login"))
    mocked.add_callback(responses.POST, REFRESH_URL, callback=login_meanwhile)
    assert client.whoami() == ME
    assert client.tokens == Tokens("ACCESS-new-login")


# -- busy servers ------------------------------------------------------------------------


def test_503_with_retry_after_is_waited_out(mocked, client, waits):
    busy = {"detail": "try again", "code": "auth_service_unavailable"}
    mocked.get(VERIFY, status=503, headers={"Retry-After": "5"}, json=busy)
    mocked.get(VERIFY, status=503, headers={"Retry-After": "7"}, json=busy)
    mocked.get(VERIFY, json=ME)
    assert client.whoami() == ME
    assert waits == [5.0, 7.0]


def test_503_for_ever_ends_as_unavailable_with_retry_after(mocked, waits):
    client = SaaSAdminClient(AUTH, API, max_retries=2, max_retry_wait=3, sleep=waits.append)
    client.tokens = Tokens(ACCESS, REFRESH)
    busy = {"detail": "try again", "code": "auth_service_unavailable"}
    mocked.get(VERIFY, status=503, headers={"Retry-After": "10"}, json=busy)
    with pytest.raises(ServiceUnavailable) as caught:
        client.whoami()
    assert waits == [3.0, 3.0]
    assert len(mocked.calls) == 3
    assert (caught.value.retry_after, caught.value.code) == (10.0, "auth_service_unavailable")


# -- errors and answers ------------------------------------------------------------------


def test_other_errors_are_api_errors_with_status_code_and_detail(mocked, client):
    mocked.get(
        f"{API}/api/organizations/x/",
        status=404,
        json={"detail": "Not found.", "code": "not_found"},
    )
    with pytest.raises(ApiError) as caught:
        client.organization("x")
    assert (caught.value.status, caught.value.code, caught.value.detail) == (
        404,
        "not_found",
        "Not found.",
    )


def test_errors_and_reprs_never_show_tokens(mocked, client):
    mocked.add_callback(responses.GET, VERIFY, callback=verify_accepting(FRESH))
    mocked.post(REFRESH_URL, status=401, json=REFUSED)
    with pytest.raises(AuthenticationRequired) as caught:
        client.whoami()
    client.tokens = Tokens(ACCESS, REFRESH)
    assert no_secret_in(str(caught.value), repr(caught.value), repr(client), str(client))
    assert "logged in" in repr(client)


def test_connection_errors_never_show_tokens(mocked, client):
    mocked.get(VERIFY, body=requests.ConnectionError(f"refused Bearer {ACCESS}"))
    with pytest.raises(ServiceUnavailable) as caught:
        client.whoami()
    assert no_secret_in(str(caught.value), repr(caught.value))


def test_whoami_refuses_an_answer_that_is_not_an_object(mocked, client):
    mocked.get(VERIFY, json=[1, 2])
    with pytest.raises(BadResponse):
        client.whoami()


def test_request_returns_json_and_passes_arguments(mocked, client):
    mocked.post(
        f"{API}/api/things/",
        json={"id": 3},
        match=[responses.matchers.json_params_matcher({"a": 1})],
    )
    assert client.request("post", "/api/things/", json={"a": 1}) == {"id": 3}


def test_request_returns_none_for_an_empty_answer(mocked, client):
    mocked.delete(f"{API}/api/things/3/", status=204)
    assert client.request("DELETE", "/api/things/3/") is None


@pytest.mark.parametrize("path", ["http://evil.test/x", "//evil.test/x", "api/x"])
def test_request_never_sends_the_token_to_another_host(mocked, client, path):
    with pytest.raises(ValueError, match="path"):
        client.request("GET", path)
    assert len(mocked.calls) == 0


def test_organizations_returns_the_list(mocked, client):
    mocked.get(f"{API}/api/organizations/", json={"organizations": [{"id": "org-1"}]})
    assert client.organizations() == [{"id": "org-1"}]


@pytest.mark.parametrize("body", [[{"id": "org-1"}], {"organizations": None}, {}])
def test_organizations_refuses_other_shapes(mocked, client, body):
    mocked.get(f"{API}/api/organizations/", json=body)
    with pytest.raises(BadResponse, match="organizations"):
        client.organizations()


def test_organization_quotes_the_id(mocked, client):
    mocked.get(f"{API}/api/organizations/a%2Fb/", json={"id": "a/b"})
    assert client.organization("a/b") == {"id": "a/b"}


def test_check_subscription_sends_both_parameters(mocked, client):
    body = {
        "organizationId": "org-1",
        "productCode": "buildeasy",
        "hasActiveSubscription": True,
        "subscription": {},
    }
    params = {"organizationId": "org-1", "productCode": "buildeasy"}
    mocked.get(
        f"{API}/api/subscriptions/check",
        json=body,
        match=[responses.matchers.query_param_matcher(params)],
    )
    assert client.check_subscription("org-1", "buildeasy") == body


def test_check_subscription_needs_a_boolean_answer(mocked, client):
    mocked.get(f"{API}/api/subscriptions/check", json={"hasActiveSubscription": "yes"})
    with pytest.raises(BadResponse, match="hasActiveSubscription"):
        client.check_subscription("org-1", "buildeasy")


# -- login and logout --------------------------------------------------------------------


def test_login_installs_the_tokens_and_returns_no_token(mocked, waits):
    client = SaaSAdminClient(AUTH, API, sleep=waits.append)
    body = {
        "success": True,
        "data": {"user": {"sub": "u-1"}, "accessToken": ACCESS, "refreshToken": REFRESH},
    }
    mocked.post(f"{AUTH}/api/auth/login", json=body)
    assert client.login("alice@acme.test", "demo-password-1") == {"user": {"sub": "u-1"}}
    assert client.tokens == Tokens(ACCESS, REFRESH)


def test_logout_at_saas_admin_revokes_and_forgets(mocked, client):
    mocked.post(f"{API}/api/auth/logout", json={"detail": "Logged out.", "code": "logged_out"})
    client.logout()
    request = mocked.calls[0].request
    assert request.headers["Authorization"] == f"Bearer {ACCESS}"
    assert json.loads(request.body) == {"refreshToken": REFRESH}
    assert client.tokens is None


def test_logout_falls_back_to_the_auth_server_when_saas_admin_is_down(mocked, client):
    mocked.post(f"{API}/api/auth/logout", body=requests.ConnectionError("down"))
    mocked.post(f"{AUTH}/api/auth/logout", json={"success": True})
    client.logout()
    assert mocked.calls[-1].request.url == f"{AUTH}/api/auth/logout"
    assert client.tokens is None


def test_logout_failing_everywhere_raises_but_forgets(mocked, client):
    mocked.post(f"{API}/api/auth/logout", body=requests.ConnectionError("down"))
    mocked.post(f"{AUTH}/api/auth/logout", body=requests.ConnectionError("down"))
    with pytest.raises(ServiceUnavailable):
        client.logout()
    assert client.tokens is None


def test_logout_without_a_session_sends_nothing(mocked, waits):
    SaaSAdminClient(AUTH, API, sleep=waits.append).logout()
    assert len(mocked.calls) == 0
