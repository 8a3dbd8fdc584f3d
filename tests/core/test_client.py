"""AuthServiceClient: requests as sent on the wire (via `responses`), answers as the contract allows."""

import json
import time
from email.utils import formatdate
from typing import Any

import pytest
import requests
import responses

from core.client import (
    MAX_BODY_BYTES,
    AuthServiceClient,
    HealthAnswer,
    parse_retry_after,
    settled_session,
)
from core.exceptions import BadResponse, Rejected, Unavailable
from core.identity import Identity, Organization

BASE = "http://auth.test"
USER_ID = "7f1c1d1e-0000-4000-8000-000000000001"
ORG_ID = "0a0a0a0a-0000-4000-8000-000000000002"


@pytest.fixture
def mocked() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def client() -> AuthServiceClient:
    return AuthServiceClient(BASE + "/", connect_timeout=0.5, read_timeout=2.0)


def sent(mocked: Any, index: int = 0) -> Any:
    return mocked.calls[index].request


def sent_json(mocked: Any, index: int = 0) -> Any:
    return json.loads(sent(mocked, index).body)


# --- requests on the wire ------------------------------------------------------------------


def test_me_sends_get_with_bearer_header_and_no_body(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", json={"success": True, "data": {"user": {"sub": USER_ID}}})

    client.me("tok.en.value")

    request = sent(mocked)
    assert request.method == "GET"
    assert request.url == f"{BASE}/api/auth/me"
    assert request.headers["Authorization"] == "Bearer tok.en.value"
    assert request.headers["Accept"] == "application/json"
    assert request.body is None


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        (lambda c: c.login("a@b.c", "pw"), "/api/auth/login", {"email": "a@b.c", "password": "pw"}),
        (lambda c: c.refresh("r1"), "/api/auth/refresh", {"refreshToken": "r1"}),
    ],
    ids=["login", "refresh"],
)
def test_post_endpoints_send_their_json_body_without_authorization(
    mocked, client, call, path, body
):
    mocked.post(BASE + path, json={"success": True, "data": {"ok": 1}})

    assert call(client) == {"ok": 1}

    request = sent(mocked)
    assert request.method == "POST"
    assert request.url == BASE + path
    assert json.loads(request.body) == body
    assert "Authorization" not in request.headers


def test_logout_sends_the_access_token_in_header_and_body_with_the_refresh_token(mocked, client):
    # Some auth servers read only the body (docs/auth-server-contract.md, server B).
    mocked.post(f"{BASE}/api/auth/logout", json={"success": True})

    assert client.logout("r1", "acc.ess.tok") is None

    assert sent_json(mocked) == {"refreshToken": "r1", "accessToken": "acc.ess.tok"}
    assert sent(mocked).headers["Authorization"] == "Bearer acc.ess.tok"


def test_logout_without_refresh_token_sends_empty_object(mocked, client):
    mocked.post(f"{BASE}/api/auth/logout", json={"success": True})

    client.logout(None)

    assert sent_json(mocked) == {}
    assert "Authorization" not in sent(mocked).headers


def test_logout_accepts_204_without_body(mocked, client):
    mocked.post(f"{BASE}/api/auth/logout", status=204)

    assert client.logout("r1") is None


def test_health_returns_body(mocked, client):
    body = {"status": "healthy", "version": "1", "database": "connected"}
    mocked.get(f"{BASE}/health", json=body)

    answer = client.health()

    assert answer == HealthAnswer(200, body)
    assert answer.details() == {"status": "healthy", "version": "1", "database": "connected"}
    assert sent(mocked).method == "GET"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, "<html>Cannot GET /health</html>", 404),
        (404, {"error": "not found"}, 404),
        (401, {"error": "unauthorized"}, 401),
        (200, ["healthy"], 200),
        (200, "ok", None),
    ],
)
def test_health_below_500_means_up_whatever_the_body(mocked, client, status, body, expected):
    kind = {"json": body} if not isinstance(body, str) else {"body": body}
    mocked.get(f"{BASE}/status", status=status, **kind)

    answer = client.health("/status")

    assert answer.status == expected
    assert answer.details() == {}


def test_health_details_are_read_inside_an_envelope_and_capped(mocked, client):
    mocked.get(f"{BASE}/health", json={"success": True, "data": {"version": "v" * 100, "up": 1}})

    assert client.health().details() == {"version": "v" * 64}


def test_health_503_is_unavailable(mocked, client):
    mocked.get(f"{BASE}/health", status=503, json={"status": "unhealthy"})

    with pytest.raises(Unavailable) as caught:
        client.health()
    assert caught.value.status == 503


def test_timeouts_are_always_passed(mocked):
    mocked.get(f"{BASE}/api/auth/me", json={"id": USER_ID})
    mocked.post(f"{BASE}/api/auth/login", json={"data": {}})

    AuthServiceClient(BASE).me("t")
    AuthServiceClient(BASE, connect_timeout=0.2, read_timeout=0.7).login("a@b.c", "pw")

    assert sent(mocked, 0).req_kwargs["timeout"] == (1.0, 3.0)
    assert sent(mocked, 1).req_kwargs["timeout"] == (0.2, 0.7)


def test_injected_session_is_used():
    session = requests.Session()
    session.headers["X-Trace"] = "abc"
    with responses.RequestsMock() as mocked:
        mocked.get(f"{BASE}/api/auth/me", json={"id": USER_ID})
        AuthServiceClient(BASE, session=session).me("t")
        assert mocked.calls[0].request.headers["X-Trace"] == "abc"


# --- envelopes -----------------------------------------------------------------------------


def test_data_envelope_is_unwrapped(mocked, client):
    mocked.post(
        f"{BASE}/api/auth/refresh", json={"success": True, "data": {"accessToken": "a", "x": 1}}
    )

    assert client.refresh("r") == {"accessToken": "a", "x": 1}


def test_top_level_body_is_used_when_there_is_no_data_object(mocked, client):
    mocked.post(f"{BASE}/api/auth/refresh", json={"accessToken": "a", "refreshToken": "b"})

    assert client.refresh("r") == {"accessToken": "a", "refreshToken": "b"}


def test_data_is_not_unwrapped_when_success_is_false(mocked, client):
    body = {"success": False, "data": {"accessToken": "a"}}
    mocked.post(f"{BASE}/api/auth/refresh", json=body)

    assert client.refresh("r") == body


def test_data_is_not_unwrapped_when_ok_is_false(mocked, client):
    body = {"ok": False, "data": {"accessToken": "a"}}
    mocked.post(f"{BASE}/api/auth/refresh", json=body)

    assert client.refresh("r") == body


def test_endpoint_with_list_body_is_bad_response(mocked, client):
    mocked.post(f"{BASE}/api/auth/login", json=[{"accessToken": "a"}])

    with pytest.raises(BadResponse):
        client.login("a@b.c", "pw")


# --- /me shapes ----------------------------------------------------------------------------

FULL_USER = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "email": "ada@example.com",
    "emailVerified": True,
    "role": "admin",
}


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"user": {"sub": USER_ID, **FULL_USER}}},
        {"success": True, "user": {"id": USER_ID, **FULL_USER}},
        {"success": True, "data": {"id": USER_ID, **FULL_USER}},
        {"id": USER_ID, **FULL_USER},
        {"ok": True, "data": {"user": {"id": USER_ID, **FULL_USER}}},
    ],
    ids=["data.user+sub", "user+id", "data+id", "top-level+id", "ok-flag"],
)
def test_me_finds_the_user_in_every_contract_shape(mocked, client, body):
    mocked.get(f"{BASE}/api/auth/me", json=body)

    identity = client.me("t", expires_at=123)

    assert identity.remote_id == USER_ID
    assert identity.email == "ada@example.com"
    assert identity.first_name == "Ada"
    assert identity.last_name == "Lovelace"
    assert identity.email_verified is True
    assert identity.role == "admin"
    assert identity.expires_at == 123


def test_me_prefers_data_user_over_top_level_user(mocked, client):
    mocked.get(
        f"{BASE}/api/auth/me",
        json={"data": {"user": {"sub": "from-data"}}, "user": {"id": "from-top"}},
    )

    assert client.me("t").remote_id == "from-data"


def test_me_reads_organization_from_user_org(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", json={"data": {"user": {"sub": USER_ID, "org": ORG_ID}}})

    assert client.me("t").organization == Organization(id=ORG_ID, name=None)


def test_me_reads_organization_from_organization_object(mocked, client):
    body = {"data": {"user": {"id": USER_ID}, "organization": {"id": ORG_ID, "name": "Acme"}}}
    mocked.get(f"{BASE}/api/auth/me", json=body)

    assert client.me("t").organization == Organization(id=ORG_ID, name="Acme")


def test_me_with_names_missing_gives_none_not_blank(mocked, client):
    mocked.get(
        f"{BASE}/api/auth/me",
        json={"success": True, "data": {"user": {"sub": USER_ID, "email": "a@b.c"}}},
    )

    identity = client.me("t")

    assert identity == Identity(remote_id=USER_ID, email="a@b.c")
    assert identity.first_name is None
    assert identity.last_name is None
    assert identity.email_verified is None
    assert identity.role is None


def test_me_reads_products_and_licenses(mocked, client):
    body = {
        "data": {
            "user": {"sub": USER_ID, "products": ["buildeasy", "teamspace"]},
            "licenses": {"buildeasy": {"seats": 3}},
        }
    }
    mocked.get(f"{BASE}/api/auth/me", json=body)

    identity = client.me("t")

    assert identity.products == ("buildeasy", "teamspace")
    assert identity.licenses == {"buildeasy": {"seats": 3}}


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_me_401_and_403_are_rejected_with_status_and_code(mocked, client, status):
    mocked.get(
        f"{BASE}/api/auth/me",
        status=status,
        json={"success": False, "error": "TOKEN_EXPIRED", "message": "secret details"},
    )

    with pytest.raises(Rejected) as caught:
        client.me("t")
    assert caught.value.status == status
    assert caught.value.code == "TOKEN_EXPIRED"
    assert "secret details" not in caught.value.reason


def test_rejection_without_json_has_empty_code(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=401, body="<html>nope</html>")

    with pytest.raises(Rejected) as caught:
        client.me("t")
    assert caught.value.code == ""


def test_rejection_code_that_is_not_a_string_is_ignored(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=401, json={"error": {"nested": True}})

    with pytest.raises(Rejected) as caught:
        client.me("t")
    assert caught.value.code == ""


def test_rejection_code_is_truncated(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=401, json={"error": "E" * 500})

    with pytest.raises(Rejected) as caught:
        client.me("t")
    assert caught.value.code == "E" * 64


@pytest.mark.parametrize("status", [400, 409])
def test_post_endpoint_client_errors_are_rejected(mocked, client, status):
    mocked.post(f"{BASE}/api/auth/refresh", status=status, json={"error": "INVALID"})

    with pytest.raises(Rejected) as caught:
        client.refresh("r1")
    assert caught.value.status == status


@pytest.mark.parametrize("status", [400, 404, 410, 422])
def test_me_4xx_with_a_json_body_is_about_the_token(mocked, client, status):
    mocked.get(f"{BASE}/api/auth/me", status=status, json={"error": "User not found"})

    with pytest.raises(Rejected) as caught:
        client.me("t")
    assert caught.value.status == status


def test_408_is_about_the_server_even_with_a_json_body(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=408, json={"error": "timeout"})

    with pytest.raises(Unavailable):
        client.me("t")


def test_post_endpoint_4xx_page_that_is_not_json_is_unavailable(mocked, client):
    mocked.post(f"{BASE}/api/auth/login", status=404, body="Cannot POST /api/auth/login")

    with pytest.raises(Unavailable):
        client.login("a@b.c", "pw")


def test_429_with_retry_after_seconds_is_unavailable(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=429, headers={"Retry-After": "17"})

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.status == 429
    assert caught.value.retry_after == 17


def test_429_with_retry_after_http_date_is_unavailable(mocked, client):
    mocked.get(
        f"{BASE}/api/auth/me",
        status=429,
        headers={"Retry-After": formatdate(time.time() + 120, usegmt=True)},
    )

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.status == 429
    assert caught.value.retry_after is not None
    assert 110 <= caught.value.retry_after <= 120


def test_429_without_retry_after_has_unknown_wait(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=429)

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.retry_after is None
    assert caught.value.status == 429


@pytest.mark.parametrize("header", ["²", "9" * 5000])
def test_429_with_unparseable_digits_in_retry_after_is_still_unavailable(mocked, client, header):
    mocked.get(f"{BASE}/api/auth/me", status=429, headers={"Retry-After": header})

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.status == 429


# A 4xx page that is not JSON (a proxy's, for a mis-mapped path) must not log every user out.
@pytest.mark.parametrize("status", [403, 404, 405, 500, 502, 503])
def test_server_errors_and_4xx_pages_are_unavailable_not_rejected(mocked, client, status):
    mocked.get(f"{BASE}/api/auth/me", status=status, body="<html>Bad Gateway</html>")

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.status == status


def test_503_passes_its_retry_after_on(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=503, headers={"Retry-After": "9"})

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.retry_after == 9


def test_connect_error_is_unavailable(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", body=requests.ConnectionError("refused"))

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


@pytest.mark.parametrize("error", [requests.ConnectTimeout, requests.ReadTimeout])
def test_timeout_is_unavailable(mocked, client, error):
    mocked.get(f"{BASE}/api/auth/me", body=error("slow"))

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert "timeout" in caught.value.reason


def test_html_body_is_bad_response(mocked, client):
    mocked.get(
        f"{BASE}/api/auth/me",
        body="<html><body>Proxy error</body></html>",
        content_type="text/html",
    )

    with pytest.raises(BadResponse):
        client.me("t")


def test_malformed_json_is_bad_response(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", body='{"data": {"user": ', content_type="application/json")

    with pytest.raises(BadResponse):
        client.me("t")


def test_deeply_nested_json_is_bad_response(mocked, client):
    mocked.get(
        f"{BASE}/api/auth/me",
        body="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    )

    with pytest.raises(BadResponse):
        client.me("t")


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"user": {"email": "a@b.c"}}},
        {"success": True, "data": {"user": {"sub": "   "}}},
        {"success": True, "data": {"user": {"id": True}}},
        {"success": True, "data": {"user": {"id": None}}},
        {"success": True},
    ],
    ids=["no-id", "blank-id", "boolean-id", "null-id", "no-user"],
)
def test_json_without_user_id_is_bad_response(mocked, client, body):
    mocked.get(f"{BASE}/api/auth/me", json=body)

    with pytest.raises(BadResponse):
        client.me("t")


def test_json_list_is_bad_response(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", json=[{"sub": USER_ID}])

    with pytest.raises(BadResponse):
        client.me("t")


def test_empty_200_on_me_is_bad_response(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", body="")

    with pytest.raises(BadResponse):
        client.me("t")


def test_oversized_body_is_bad_response(mocked, client):
    padding = "x" * MAX_BODY_BYTES
    mocked.get(f"{BASE}/api/auth/me", json={"data": {"user": {"sub": USER_ID}}, "pad": padding})

    with pytest.raises(BadResponse) as caught:
        client.me("t")
    assert "bytes" in caught.value.reason


@pytest.mark.parametrize("status", [301, 302, 307])
def test_redirects_are_not_followed(mocked, client, status):
    mocked.get(
        f"{BASE}/api/auth/me", status=status, headers={"Location": "http://evil.test/api/auth/me"}
    )
    mocked.get("http://evil.test/api/auth/me", json={"id": USER_ID})

    with pytest.raises(BadResponse):
        client.me("t")
    assert len(mocked.calls) == 1


# --- observer ------------------------------------------------------------------------------


def test_observer_receives_path_status_and_duration(mocked):
    seen: list[tuple[str, str, float]] = []
    mocked.get(f"{BASE}/api/auth/me", json={"id": USER_ID})
    mocked.post(f"{BASE}/api/auth/login", status=401, json={})

    client = AuthServiceClient(BASE, observer=lambda *args: seen.append(args))
    client.me("t")
    with pytest.raises(Rejected):
        client.login("a@b.c", "wrong")

    assert [(path, outcome) for path, outcome, _ in seen] == [
        ("/api/auth/me", "200"),
        ("/api/auth/login", "401"),
    ]
    assert all(isinstance(seconds, float) and seconds >= 0 for _, _, seconds in seen)


def test_observer_sees_transport_errors_as_error(mocked):
    seen: list[tuple[str, str, float]] = []
    mocked.get(f"{BASE}/api/auth/me", body=requests.ConnectionError("down"))

    with pytest.raises(Unavailable):
        AuthServiceClient(BASE, observer=lambda *args: seen.append(args)).me("t")

    assert [(path, outcome) for path, outcome, _ in seen] == [("/api/auth/me", "error")]


# --- parse_retry_after ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("5", 5),
        (" 5 ", 5),
        ("0", 1),
        ("-3", None),
        ("soon", None),
        ("1.5", None),
        ("²", None),
    ],
)
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date_counts_from_now():
    now = 1_700_000_000.0
    header = formatdate(now + 42, usegmt=True)

    assert parse_retry_after(header, now=now) == 42


@pytest.mark.parametrize(
    "value",
    ["86400", "999999999", "Wed, 21 Oct 9999 07:28:00 GMT"],
    ids=["day", "huge", "far-date"],
)
def test_parse_retry_after_is_capped_at_an_hour(value):
    assert parse_retry_after(value, now=1_700_000_000.0) == 3600


@pytest.mark.parametrize(
    "value", ["1234567890123", "Wed, 21 Oct 99999 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 +9999"]
)
def test_parse_retry_after_ignores_values_it_cannot_read(value):
    assert parse_retry_after(value, now=1_700_000_000.0) is None


def test_429_with_an_absurd_retry_after_holds_off_at_most_an_hour(mocked, client):
    mocked.get(f"{BASE}/api/auth/me", status=429, headers={"Retry-After": "31536000"})

    with pytest.raises(Unavailable) as caught:
        client.me("t")
    assert caught.value.retry_after == 3600


def test_parse_retry_after_http_date_in_the_past_is_one_second():
    now = 1_700_000_000.0

    assert parse_retry_after(formatdate(now - 600, usegmt=True), now=now) == 1


# --- the session's environment, read once ------------------------------------------------------


def test_the_environments_proxy_is_read_once_at_construction(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    session = settled_session("https://auth.test")
    monkeypatch.setenv("HTTPS_PROXY", "http://another.test:3128")

    assert session.proxies.get("https") == "http://proxy.test:3128"
    assert not session.trust_env  # never re-read per request, and no .netrc


def test_a_host_the_environment_exempts_gets_no_proxy(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "auth.test")

    assert "https" not in settled_session("https://auth.test").proxies
