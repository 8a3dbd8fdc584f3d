"""AUTH_VERIFY_MODE jwks and hybrid end to end: the local auth server signing with RS256 and
ES256 over real HTTP, real Redis and PostgreSQL."""

import base64
import hashlib
import hmac
import io
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.management import call_command

from core.signing import sign
from core.wiring import default_cache, default_keys, default_upstream
from tests.conftest import bearer, clear_shared_cache

pytestmark = pytest.mark.django_db
VERIFY = "/api/auth/verify"
ME = "GET /api/auth/me"
JWKS = "GET /.well-known/jwks.json"
ALICE = "alice@acme.test"
REVOCATION_SECRET = "shared-revocation-secret-for-tests"


@pytest.fixture(params=["RS256", "ES256"])
def alg(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def use_mode(settings: Any, remote_auth: Any) -> Callable[..., Any]:
    """Return a function that switches AUTH_VERIFY_MODE (and other REMOTE_AUTH keys)."""

    def use(mode: str, **extra: Any) -> Any:
        settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "VERIFY_MODE": mode, **extra}
        return remote_auth

    return use


@pytest.fixture
def signed(remote_auth: Any, alg: str) -> Any:
    """The auth server signing with `alg`; returns its handle."""
    remote_auth.rotate_keys(alg)
    return remote_auth


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tampered(token: str, **claims: Any) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join((header, b64({**body, **claims}), signature))


def other_key(alg: str) -> Any:
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def status(api: Any, token: str) -> int:
    code: int = api.get(VERIFY, **bearer(token)).status_code
    return code


def test_jwks_valid_token_verifies_without_me_after_the_first(
    use_mode, signed, api: Any, alg: str
) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False)
    token = server.mint_token(ALICE)

    response = api.get(VERIFY, **bearer(token))

    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == ALICE
    assert response.json()["verification"]["source"] == "jwks"
    assert server.calls(ME) == 0
    assert server.calls(JWKS) == 1


def test_jwks_fetches_the_profile_once_per_user(use_mode, signed, api: Any) -> None:
    server = use_mode("jwks")

    for _ in range(3):
        assert status(api, server.mint_token(ALICE)) == 200

    assert server.calls(ME) == 1


@pytest.mark.parametrize("mode", ["jwks", "hybrid"])
def test_forgeries_are_401_with_no_me_call(use_mode, signed, api: Any, alg: str, mode: str) -> None:
    server = use_mode(mode)
    good = server.mint_token(ALICE)
    kid = jwt.get_unverified_header(good)["kid"]
    public_pem = next(
        jwt.PyJWK(k).key for k in server.jwks()["keys"] if k["kid"] == kid
    ).public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    body = claims_of(good)
    forgeries = {
        "tampered payload": tampered(good, sub="bob-id", email="bob@acme.test"),
        "other key": jwt.encode(body, other_key(alg), algorithm=alg, headers={"kid": kid}),
        "aud while none is configured": server.mint_token(ALICE, claims={"aud": "other-api"}),
        "expired": server.mint_token(ALICE, ttl=-120),
        "not yet valid": server.mint_token(ALICE, claims={"nbf": body["iat"] + 3600}),
        "none": ".".join((b64({"alg": "none", "kid": kid}), b64(body), "")),
    }
    # HS256 signed with the public key as the HMAC secret (PyJWT refuses to make one: by hand).
    signing_input = f"{b64({'alg': 'HS256', 'kid': kid, 'typ': 'JWT'})}.{b64(body)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forgeries["HS256 with the public key"] = (
        signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    )
    server.reset_calls()

    refused = {name: status(api, token) for name, token in forgeries.items()}

    assert refused == dict.fromkeys(forgeries, 401)
    assert server.calls(ME) == 0


def test_wrong_iss_and_aud_are_refused_and_right_ones_accepted(use_mode, signed, api: Any) -> None:
    server = use_mode(
        "jwks", JWT_ISSUER="https://auth.test", JWT_AUDIENCE="saas-admin", JWKS_FETCH_PROFILE=False
    )
    right = {"iss": "https://auth.test", "aud": "saas-admin"}

    assert status(api, server.mint_token(ALICE, claims=right)) == 200
    assert status(api, server.mint_token(ALICE, claims={**right, "iss": "https://x.test"})) == 401
    assert status(api, server.mint_token(ALICE, claims={**right, "aud": "other"})) == 401
    assert status(api, server.mint_token(ALICE, claims={"aud": "saas-admin"})) == 401  # no iss


def test_unknown_kid_refetches_once_then_verifies_after_rotation(
    use_mode, signed, api: Any
) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False)
    assert status(api, server.mint_token(ALICE)) == 200
    server.rotate_keys()
    server.reset_calls()

    assert status(api, server.mint_token(ALICE)) == 200
    assert server.calls(JWKS) == 1


def test_a_flood_of_unknown_kids_refetches_at_most_once_per_interval(
    use_mode, signed, api: Any, alg: str
) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, JWKS_MIN_REFRESH=3600)
    body = claims_of(server.mint_token(ALICE))
    assert status(api, server.mint_token(ALICE)) == 200
    server.reset_calls()
    key = other_key(alg)

    codes = {
        status(api, jwt.encode(body, key, algorithm=alg, headers={"kid": f"made-up-{n}"}))
        for n in range(30)
    }

    assert codes == {401}
    assert server.calls(JWKS) == 1
    assert server.calls(ME) == 0


def test_jwks_down_with_cached_keys_keeps_verifying_and_logs_it(
    use_mode, signed, api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, JWKS_MAX_AGE=1)
    assert status(api, server.mint_token(ALICE)) == 200
    held = default_keys().held()
    assert held is not None
    server.fault("down", paths=["/.well-known/"])
    default_keys().clock = lambda: held.fetched_at + 10  # past MAX_AGE, well within STALE_MAX

    assert status(api, server.mint_token(ALICE)) == 200
    assert "JWKS UNREACHABLE" in caplog.text


def test_jwks_down_past_stale_max_is_503(use_mode, signed, api: Any) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, JWKS_MAX_AGE=1, JWKS_STALE_MAX=5)
    assert status(api, server.mint_token(ALICE)) == 200
    held = default_keys().held()
    assert held is not None
    server.fault("down", paths=["/.well-known/"])
    default_keys().clock = lambda: held.fetched_at + 10

    assert status(api, server.mint_token(ALICE)) == 503


def test_no_keys_and_jwks_down_is_503(use_mode, signed, api: Any) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False)
    server.fault("down", paths=["/.well-known/"])

    response = api.get(VERIFY, **bearer(server.mint_token(ALICE)))

    assert response.status_code == 503
    assert "code" in response.json()


def test_hybrid_checks_me_and_sees_a_logout_at_the_auth_server(
    use_mode, signed, api: Any, demo_users
) -> None:
    server = use_mode("hybrid", POSITIVE_TTL=1, LOCAL_CACHE_TTL=1)
    alice = demo_users["alice"]
    session = server.login(alice.email, alice.password)
    token = session["accessToken"]
    assert status(api, token) == 200
    assert server.calls(ME) == 1
    requests.post(
        f"{server.url}/api/auth/logout",
        json={"refreshToken": session["refreshToken"], "accessToken": token},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    ).raise_for_status()
    default_cache().clear_local()  # as when POSITIVE_TTL has run out
    clear_shared_cache()

    assert status(api, token) == 401


# --- revocation in jwks mode ----------------------------------------------------------------


def test_jwks_logout_through_saas_admin_refuses_the_token(
    use_mode, signed, api, demo_users
) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False)
    alice = demo_users["alice"]
    session = server.login(alice.email, alice.password)
    token = session["accessToken"]
    assert status(api, token) == 200

    out = api.post(
        "/api/auth/logout",
        {"refreshToken": session["refreshToken"]},
        format="json",
        **bearer(token),
    )

    assert out.status_code == 200
    assert status(api, token) == 401
    default_cache().clear_local()  # another instance: only the shared cache
    assert status(api, token) == 401


def test_jwks_signed_user_revocation_refuses_older_tokens_only(
    use_mode, signed, api, demo_users
) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, REVOCATION_SECRET=REVOCATION_SECRET)
    alice = demo_users["alice"]
    old = server.mint_token(ALICE)
    assert status(api, old) == 200

    body = json.dumps({"userId": alice.id, "action": "revoke_tokens"}).encode()
    stamp = int(time.time())
    sent = api.generic(
        "POST",
        "/api/auth/revocations",
        body,
        content_type="application/json",
        HTTP_X_AUTH_TIMESTAMP=str(stamp),
        HTTP_X_AUTH_SIGNATURE=sign(REVOCATION_SECRET, stamp, body),
    )
    later = server.mint_token(ALICE, claims={"iat": int(time.time()) + 2})

    assert sent.status_code == 200
    assert status(api, old) == 401
    default_cache().clear_local()
    assert status(api, old) == 401
    assert status(api, later) == 200
    assert server.calls(ME) == 0


def test_jwks_authcache_revoke_user_refuses_older_tokens(use_mode, signed, api, demo_users) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False)
    old = server.mint_token(ALICE)
    assert status(api, old) == 200

    call_command("authcache", "revoke", "--user", demo_users["alice"].id)

    assert status(api, old) == 401


def test_jwks_authcache_revoke_token(use_mode, signed, api, monkeypatch) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False)
    token = server.mint_token(ALICE)
    assert status(api, token) == 200
    monkeypatch.setattr(sys, "stdin", io.StringIO(token + "\n"))

    call_command("authcache", "revoke", "--token", "-")

    assert status(api, token) == 401


def test_a_retired_key_stops_verifying_within_max_age(use_mode, signed, api) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, JWKS_MAX_AGE=60, POSITIVE_TTL=1)
    old = server.mint_token(ALICE)
    assert status(api, old) == 200
    held = default_keys().held()
    assert held is not None
    server.rotate_keys(retire=True)
    default_cache().clear_local()
    clear_shared_cache()  # as when the cached verification has run out
    assert status(api, old) == 200  # the JWKS copy is younger than MAX_AGE

    default_keys().clock = lambda: held.fetched_at + 61
    default_cache().clear_local()
    clear_shared_cache()  # the refresh throttle too

    assert status(api, old) == 401
    assert status(api, server.mint_token(ALICE)) == 200


def test_jwks_fetch_goes_through_the_breaker(use_mode, signed, api) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, BREAKER_THRESHOLD=1)
    default_upstream().breaker.record_failure()
    server.reset_calls()

    response = api.get(VERIFY, **bearer(server.mint_token(ALICE)))

    assert response.status_code == 503
    assert server.calls(JWKS) == 0


def test_jwks_fetch_spends_the_budget(use_mode, signed, api) -> None:
    server = use_mode("jwks", JWKS_FETCH_PROFILE=False, BUDGET_PER_MINUTE=1)
    assert status(api, server.mint_token(ALICE)) == 200  # the JWKS fetch spent the budget
    server.rotate_keys()
    server.reset_calls()

    assert status(api, server.mint_token(ALICE)) == 503  # the refetch finds no budget left
    assert server.calls(JWKS) == 0
