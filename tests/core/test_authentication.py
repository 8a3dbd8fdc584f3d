"""RemoteJWTAuthentication end to end: SaaS Admin in-process, the local auth server over real HTTP,
real Redis and PostgreSQL."""

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from redis.connection import Connection
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework_simplejwt.tokens import RefreshToken

from core.authentication import RemoteJWTAuthentication
from core.models import RemoteIdentity
from core.tokens import fingerprint
from core.wiring import default_cache, default_upstream
from tests.conftest import bearer, clear_shared_cache, on_redis
from tests.fixtures.authserver import TEST_SECRET
from tests.resilience.helpers import garbage_token

pytestmark = pytest.mark.django_db
VERIFY = "/api/auth/verify"
ME = "GET /api/auth/me"


def login(server: Any, user: Any) -> str:
    token: str = server.login(user.email, user.password)["accessToken"]
    return token


def test_no_header_is_not_ours_and_ends_in_401(remote_auth, api: APIClient) -> None:
    response = api.get(VERIFY)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith('Bearer realm="api"')
    assert remote_auth.calls(ME) == 0


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer a b", "Bearer tökén", "Bearer " + "a" * 5000, "Bearer a\tb"],
)
def test_malformed_bearer_header_is_401_with_code(remote_auth, api: APIClient, header: str) -> None:
    response = api.get(VERIFY, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] == "bad_authorization_header"
    assert remote_auth.calls(ME) == 0


def test_other_scheme_is_not_ours(remote_auth, api: APIClient) -> None:
    response = api.get(VERIFY, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    assert response.status_code == 401
    assert remote_auth.calls(ME) == 0


def test_a_foreign_prefix_is_passed_on_unread(settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "FOREIGN_TOKEN_PREFIXES": ("xyz_",)}
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION="Bearer xyz_" + "a b" * 3)

    assert RemoteJWTAuthentication().authenticate(Request(request)) is None


def test_remote_token_verifies_and_mirrors_user(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]

    response = api.get(VERIFY, **bearer(login(remote_auth, alice)))

    body = response.json()
    assert response.status_code == 200
    assert body["user"]["remoteId"] == alice.id
    assert body["user"]["email"] == alice.email
    assert body["organization"]["id"] == alice.org
    assert body["authSource"] == "remote"
    assert body["verification"] == {"source": "remote", "degraded": False}
    link = RemoteIdentity.objects.get(remote_id=alice.id)
    assert link.user.email == alice.email
    assert not link.user.has_usable_password()
    assert not link.user.is_staff
    assert not link.user.is_superuser


def test_cache_hit_makes_no_http_call(remote_auth, api, demo_users) -> None:
    token = login(remote_auth, demo_users["alice"])
    api.get(VERIFY, **bearer(token))
    remote_auth.reset_calls()

    memory = api.get(VERIFY, **bearer(token))
    default_cache().clear_local_entries()
    shared = api.get(VERIFY, **bearer(token))

    assert memory.json()["verification"]["source"] == "memory"
    assert shared.json()["verification"]["source"] == "redis"
    assert remote_auth.calls(ME) == 0


def test_a_miss_hashes_once_reads_memory_once_and_checks_the_breaker_once(
    remote_auth, api, demo_users, monkeypatch
) -> None:
    token = login(remote_auth, demo_users["alice"])
    calls: dict[str, int] = {}
    for owner, name in (
        (default_cache(), "token_key"),
        (default_cache(), "get_local"),
        (default_upstream().breaker, "admit"),
    ):
        original = getattr(owner, name)

        def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
            calls[_name] = calls.get(_name, 0) + 1
            return _original(*args)

        monkeypatch.setattr(owner, name, counted)

    assert api.get(VERIFY, **bearer(token)).status_code == 200

    assert calls == {"token_key": 1, "get_local": 1, "admit": 1}
    assert remote_auth.calls(ME) == 1


def redis_round_trips(monkeypatch: Any) -> list[bytes]:
    """Record every command (or pipeline) this thread sends to Redis from now on."""
    sent: list[bytes] = []
    original, thread = Connection.send_packed_command, threading.get_ident()

    def recording(connection: Any, command: Any, check_health: bool = True) -> None:
        if threading.get_ident() == thread:
            sent.append(b"".join(command) if isinstance(command, list) else command)
        original(connection, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", recording)
    return sent


def test_a_cold_miss_of_a_known_user_costs_four_redis_round_trips(
    remote_auth, api, demo_users, monkeypatch
) -> None:
    alice = demo_users["alice"]
    assert api.get(VERIFY, **bearer(remote_auth.mint_token(alice.id))).status_code == 200
    token = remote_auth.mint_token(alice.id)
    sent = redis_round_trips(monkeypatch)

    assert api.get(VERIFY, **bearer(token)).json()["verification"]["source"] == "remote"

    # The entry; lease + breaker + budget + revocation number; the known user; store + release.
    assert len(sent) == 4, [command[:60] for command in sent]


def test_a_cold_miss_of_a_first_seen_user_costs_five_redis_round_trips(
    remote_auth, api, demo_users, monkeypatch
) -> None:
    assert api.get(VERIFY, **bearer(login(remote_auth, demo_users["bob"]))).status_code == 200
    token = remote_auth.mint_token(demo_users["alice"].id)
    sent = redis_round_trips(monkeypatch)

    assert api.get(VERIFY, **bearer(token)).status_code == 200

    assert len(sent) == 5, [command[:60] for command in sent]  # and the snapshot written


def test_steady_state_needs_no_database_query(
    remote_auth, api, demo_users, django_assert_num_queries
) -> None:
    token = login(remote_auth, demo_users["alice"])
    api.get(VERIFY, **bearer(token))

    with django_assert_num_queries(0):
        assert api.get(VERIFY, **bearer(token)).status_code == 200
    default_cache().clear_local_entries()
    with django_assert_num_queries(0):
        assert api.get(VERIFY, **bearer(token)).status_code == 200


def test_in_process_hits_never_share_a_user_object(remote_auth, demo_users) -> None:
    token = login(remote_auth, demo_users["alice"])
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}"))
    authentication = RemoteJWTAuthentication()
    authentication.authenticate(request)

    first: Any
    second: Any
    auth: Any
    first, auth = authentication.authenticate(request) or (None, None)
    first.email, first.is_staff = "mallory@evil.test", True
    first._state.fields_cache["stale"] = object()
    second, _ = authentication.authenticate(request) or (None, None)

    assert auth.source == "memory"
    assert second is not first
    assert second._state is not first._state
    assert (second.email, second.is_staff) == (demo_users["alice"].email, False)
    assert second._state.fields_cache == {}
    assert not second._state.adding
    assert "password" in second.get_deferred_fields()


def test_a_hit_takes_the_fingerprint_from_its_entry_without_hashing(
    remote_auth, demo_users, monkeypatch
) -> None:
    token = login(remote_auth, demo_users["alice"])
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}"))
    authentication = RemoteJWTAuthentication()
    authentication.authenticate(request)
    hashed: list[str] = []

    def hashing(token: str) -> str:
        hashed.append(token)
        return "x"

    monkeypatch.setattr("core.authentication.fingerprint", hashing)

    _, auth = authentication.authenticate(request) or (None, None)

    assert auth is not None
    assert auth.fingerprint == fingerprint(token)
    assert hashed == []


def test_cache_ttl_never_outlives_the_token(remote_auth, api, demo_users) -> None:
    token = remote_auth.mint_token(demo_users["alice"].email, ttl=20)

    api.get(VERIFY, **bearer(token))

    ttl = caches["default"].ttl(default_cache().token_key(token))  # type: ignore[attr-defined]
    assert 0 < ttl <= 20 - 5


def test_tokens_sharing_a_prefix_never_share_an_identity(remote_auth, api, demo_users) -> None:
    alice_token = login(remote_auth, demo_users["alice"])
    bob_token = login(remote_auth, demo_users["bob"])
    assert alice_token[:40] == bob_token[:40]

    alice = api.get(VERIFY, **bearer(alice_token)).json()
    bob = api.get(VERIFY, **bearer(bob_token)).json()

    assert alice["user"]["remoteId"] == demo_users["alice"].id
    assert bob["user"]["remoteId"] == demo_users["bob"].id


def test_forged_token_with_a_valid_prefix_is_rejected(remote_auth, api, demo_users) -> None:
    token = login(remote_auth, demo_users["alice"])
    api.get(VERIFY, **bearer(token))
    forged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")

    response = api.get(VERIFY, **bearer(forged))

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_rejection_is_negative_cached(remote_auth, api) -> None:
    token = garbage_token()
    first = api.get(VERIFY, **bearer(token))
    second = api.get(VERIFY, **bearer(token))

    assert first.status_code == second.status_code == 401
    assert remote_auth.calls(ME) == 1


def test_expired_token_is_401_without_a_network_call(remote_auth, api, demo_users) -> None:
    token = remote_auth.mint_token(demo_users["alice"].email, ttl=-10)

    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert remote_auth.calls(ME) == 0


@pytest.mark.parametrize(
    ("mode", "options"),
    [
        ("down", {}),
        ("status", {"status": 500}),
        ("status", {"status": 502}),
        ("status", {"status": 429, "retry_after": 7}),
        ("non_json", {}),
        ("malformed_json", {}),
        ("delay", {"delay": 1.0}),
    ],
)
def test_each_failure_is_503_with_retry_after_and_is_not_cached(
    remote_auth, api, demo_users, settings, mode: str, options: dict[str, Any]
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "READ_TIMEOUT": 0.3}
    token = login(remote_auth, demo_users["alice"])
    remote_auth.fault(mode, **options)

    failed = api.get(VERIFY, **bearer(token))
    remote_auth.clear_faults()
    if mode == "status" and options["status"] == 429:  # the breaker honours upstream Retry-After
        held = api.get(VERIFY, **bearer(token))
        assert held.status_code == 503
        assert 0 < int(held["Retry-After"]) <= 7
        clear_shared_cache()  # stands for the Retry-After window passing
    recovered = api.get(VERIFY, **bearer(token))

    assert failed.status_code == 503
    assert failed.json()["code"] == "auth_service_unavailable"
    assert int(failed["Retry-After"]) == options.get("retry_after", 5)
    assert recovered.status_code == 200
    assert remote_auth.calls(ME) == 2


def test_json_without_a_user_id_is_503(settings, api, fixed_upstream) -> None:
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": fixed_upstream({"success": True, "data": {"user": {"email": "x@y.z"}}}),
    }

    response = api.get(VERIFY, **bearer(garbage_token()))

    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"
    assert "Retry-After" in response


def test_email_change_updates_the_same_user(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]
    api.get(VERIFY, **bearer(login(remote_auth, alice)))
    remote_auth.update_user(alice.id, email="alice.new@acme.test")

    body = api.get(VERIFY, **bearer(remote_auth.mint_token(alice.id))).json()

    assert body["user"]["email"] == "alice.new@acme.test"
    assert get_user_model().objects.count() == 1
    assert RemoteIdentity.objects.get(remote_id=alice.id).email == "alice.new@acme.test"


def test_missing_names_never_blank_stored_ones(
    remote_auth, api, demo_users, settings, fixed_upstream
) -> None:
    alice = demo_users["alice"]
    api.get(VERIFY, **bearer(login(remote_auth, alice)))
    nameless = {"success": True, "data": {"user": {"sub": alice.id, "email": alice.email}}}
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": fixed_upstream(nameless)}

    body = api.get(VERIFY, **bearer(garbage_token())).json()

    assert body["user"]["firstName"] == "Alice"
    assert body["user"]["lastName"] != ""
    assert get_user_model().objects.count() == 1


def test_locally_deactivated_user_is_401_user_inactive(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]
    token = login(remote_auth, alice)
    api.get(VERIFY, **bearer(token))
    get_user_model().objects.filter(remote_identity__remote_id=alice.id).update(is_active=False)
    user = get_user_model().objects.get(remote_identity__remote_id=alice.id)
    user.save()  # a save through the ORM invalidates cached snapshots

    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_a_deleted_local_user_is_verified_afresh_not_served_from_the_cache(
    remote_auth, api, demo_users, settings
) -> None:
    token = login(remote_auth, demo_users["alice"])
    assert api.get(VERIFY, **bearer(token)).status_code == 200
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "PROVISIONING": "deny"}

    get_user_model().objects.filter(remote_identity__remote_id=demo_users["alice"].id).delete()
    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 403
    assert response.json()["code"] == "user_not_provisioned"


def test_provisioning_deny_refuses_unknown_users(remote_auth, api, demo_users, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "PROVISIONING": "deny"}

    response = api.get(VERIFY, **bearer(login(remote_auth, demo_users["alice"])))

    assert response.status_code == 403
    assert response.json()["code"] == "user_not_provisioned"
    assert not get_user_model().objects.exists()


def test_provisioning_link_email_links_an_existing_local_user(
    remote_auth, api, demo_users, settings
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "PROVISIONING": "link_email"}
    local = get_user_model().objects.create_user("alice-local", email="ALICE@acme.test")

    body = api.get(VERIFY, **bearer(login(remote_auth, demo_users["alice"]))).json()

    assert body["user"]["id"] == local.pk
    assert RemoteIdentity.objects.get(user=local).remote_id == demo_users["alice"].id


def local_token(username: str = "service-bot") -> str:
    user = get_user_model().objects.create_user(username, password="unused-password-123")
    return str(RefreshToken.for_user(user).access_token)


def test_local_token_works_with_the_auth_server_down(remote_auth, api) -> None:
    remote_auth.fault("down")

    response = api.get(VERIFY, **bearer(local_token()))

    assert response.status_code == 200
    assert response.json()["authSource"] == "local"
    assert remote_auth.calls(ME) == 0


def test_local_token_endpoints_issue_rotating_tokens(api) -> None:
    get_user_model().objects.create_user("break-glass", password="a-long-password-123")

    pair = api.post("/api/token/", {"username": "break-glass", "password": "a-long-password-123"})
    rotated = api.post("/api/token/refresh/", {"refresh": pair.json()["refresh"]})
    reused = api.post("/api/token/refresh/", {"refresh": pair.json()["refresh"]})

    assert pair.status_code == rotated.status_code == 200
    assert "refresh" in rotated.json()
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"


def test_remote_token_is_never_handed_to_simplejwt_after_a_401(remote_auth, api) -> None:
    response = api.get(VERIFY, **bearer(garbage_token()))

    assert response.status_code == 401
    assert response.json() == {
        "detail": "The token is invalid or has been revoked.",
        "code": "token_not_valid",
    }
    assert remote_auth.calls(ME) == 1


def test_switching_auth_server_does_not_reuse_cached_identities(
    remote_auth, api, demo_users, settings
) -> None:
    token = login(remote_auth, demo_users["alice"])
    assert api.get(VERIFY, **bearer(token)).status_code == 200

    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": "http://127.0.0.1:9",
        "ISSUER_ID": "staging",
    }
    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 503


def test_one_auth_server_under_another_url_shares_its_cache(
    remote_auth, api, demo_users, settings
) -> None:
    token = login(remote_auth, demo_users["alice"])
    assert api.get(VERIFY, **bearer(token)).status_code == 200

    # The same issuer reached through a tunnel: the cached answers stay valid.
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": "http://127.0.0.1:9"}
    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 200
    assert response.json()["verification"]["source"] == "redis"


def test_redis_stopped_mid_test_still_serves_uncached(
    remote_auth, api, demo_users, settings, private_redis
) -> None:
    settings.CACHES = on_redis(settings.CACHES, private_redis.url)
    token = login(remote_auth, demo_users["alice"])
    assert api.get(VERIFY, **bearer(token)).status_code == 200

    private_redis.stop()
    default_cache().clear_local_entries()
    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 200
    assert response.json()["verification"]["source"] == "remote"


JUNK = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.00000001"  # no exp, an 8-character signature


def test_a_token_that_cannot_be_the_auth_servers_is_401_without_a_call(remote_auth, api) -> None:
    responses = [api.get(VERIFY, **bearer(JUNK)) for _ in range(2)]

    assert [response.status_code for response in responses] == [401, 401]
    assert responses[0].json()["code"] == "token_not_valid"
    assert remote_auth.calls(ME) == 0


def test_opaque_token_format_sends_every_token_to_the_auth_server(
    remote_auth, api, settings
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "TOKEN_FORMAT": "opaque"}

    response = api.get(VERIFY, **bearer(JUNK))

    assert response.status_code == 401
    assert remote_auth.calls(ME) == 1


def test_with_the_secret_known_a_forged_signature_costs_no_call(
    remote_auth, api, settings, demo_users
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "JWT_SECRET": TEST_SECRET}
    genuine = remote_auth.mint_token(demo_users["alice"].email)
    header, payload, _ = genuine.split(".")
    forged = f"{header}.{payload}.{'A' * 43}"

    assert api.get(VERIFY, **bearer(forged)).status_code == 401
    assert remote_auth.calls(ME) == 0
    assert api.get(VERIFY, **bearer(genuine)).status_code == 200


def test_a_client_past_its_share_gets_429_with_retry_after(remote_auth, api, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BUDGET_PER_CLIENT": 2}

    statuses = [api.get(VERIFY, **bearer(garbage_token())) for _ in range(3)]

    assert [response.status_code for response in statuses] == [401, 401, 429]
    assert statuses[2].json()["code"] == "too_many_unverified_tokens"
    assert 1 <= int(statuses[2]["Retry-After"]) <= 60
    assert remote_auth.calls(ME) == 2
