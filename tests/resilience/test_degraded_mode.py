"""Degraded verification (AUTH_JWT_SECRET set, see SHARED_ENV) while the auth server is stopped.

A token of an already-mirrored user is checked locally with the signing secret and flagged; an
unknown user, a bad signature, a revoked user or a logged-out token is not accepted.
"""

import time

import jwt
import pytest

from tests.conftest import clear_shared_cache
from tests.fixtures.api_server import ApiServer
from tests.fixtures.authserver import TEST_SECRET

from .helpers import SHARED_ENV, authcache, source, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def assert_degraded(response, remote_id: str) -> None:
    assert response.status_code == 200
    assert response.headers["X-Auth-Degraded"] == "degraded"
    body = response.json()
    assert body["verification"] == {"source": "degraded", "degraded": True}
    assert body["user"]["remoteId"] == remote_id


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"
    assert "Retry-After" in response.headers
    assert "X-Auth-Degraded" not in response.headers


def forged(user, secret: str = "not-the-auth-servers-secret-0123456789", age: int = 0) -> str:
    """Return a token with the user's claims issued `age` seconds ago, signed with `secret`."""
    now = int(time.time())
    claims = {
        "sub": user.id, "email": user.email, "org": user.org, "iat": now - age, "exp": now + 600
    }  # fmt: skip
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.fixture
def mirrored(pair: tuple[ApiServer, ApiServer], remote_auth, demo_users):
    """Mirror alice (one remote verification), then return the seed users."""
    assert source(pair[0].verify(remote_auth.mint_token(demo_users["alice"].email))) == "remote"
    return demo_users


def test_mirrored_user_verifies_locally_while_the_auth_server_is_stopped(
    pair, remote_auth, mirrored
) -> None:
    alice = mirrored["alice"]
    token = remote_auth.mint_token(alice.email)  # never verified: nothing cached
    remote_auth.stop()

    for server in pair:
        assert_degraded(server.verify(token), alice.id)


def test_degraded_mode_never_accepts_strangers_or_forgeries(pair, remote_auth, mirrored) -> None:
    stranger = remote_auth.mint_token(mirrored["carol"].email)  # valid, but never mirrored
    remote_auth.stop()

    for server in pair:
        assert_unavailable(server.verify(stranger))
        forgery = server.verify(forged(mirrored["alice"]))
        # With the secret known, a forged signature is refused before anything else: no 503.
        assert forgery.status_code == 401
        assert forgery.json()["code"] == "token_not_valid"


def test_flushed_user_is_not_accepted_in_degraded_mode(pair, remote_auth, mirrored) -> None:
    alice = mirrored["alice"]
    token = remote_auth.mint_token(alice.email)
    remote_auth.stop()
    assert_degraded(pair[0].verify(token), alice.id)

    authcache("flush", "--user", alice.id)

    for server in pair:
        assert_unavailable(server.verify(token))


def test_logged_out_token_stays_refused_when_the_auth_server_stops(
    pair, remote_auth, mirrored
) -> None:
    alice = mirrored["alice"]
    session = remote_auth.login(alice.email, alice.password)
    token = session["accessToken"]
    logout = pair[0].post("/api/auth/logout", token, json={"refreshToken": session["refreshToken"]})
    assert logout.status_code == 200
    remote_auth.stop()

    for server in pair:
        response = server.verify(token)
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"


def test_a_logout_the_auth_server_never_heard_of_survives_losing_redis(
    pair, remote_auth, mirrored
) -> None:
    alice = mirrored["alice"]
    token = remote_auth.login(alice.email, alice.password)["accessToken"]
    remote_auth.fault("down")
    logout = pair[0].post("/api/auth/logout", token)
    assert logout.json()["upstreamConfirmed"] is False

    clear_shared_cache()  # a Redis failover drops the stored rejection
    while_down = pair[1].verify(token)
    remote_auth.clear_faults()
    after = pair[1].verify(token)

    assert while_down.status_code == 503  # degraded mode does not take a logged-out token
    assert after.status_code == 401  # the auth server still accepts it: it never heard
    assert after.json()["code"] == "token_not_valid"


def test_a_token_the_auth_server_refuses_is_never_verified_locally(
    pair, remote_auth, mirrored
) -> None:
    alice = mirrored["alice"]
    token = remote_auth.mint_token(alice.email)
    remote_auth.update_user(alice.id, active=False)  # up, and it says no: 403 upstream

    for server in pair:
        response = server.verify(token)
        assert response.status_code == 401
        assert "X-Auth-Degraded" not in response.headers


def test_degraded_answers_are_not_cached(pair, remote_auth, mirrored) -> None:
    first, second = pair
    token = remote_auth.mint_token(mirrored["alice"].email)
    remote_auth.stop()
    assert_degraded(first.verify(token), mirrored["alice"].id)

    remote_auth.start()

    recovered = wait_until(lambda: source(first.verify(token)) == "remote", timeout=10)
    assert recovered
    assert "X-Auth-Degraded" not in second.verify(token).headers


def test_a_copy_of_a_mark_does_not_outlive_its_test(
    pair, server_pairs, remote_auth, mirrored
) -> None:
    """The processes outlive a test; what they copied from Redis must not refuse the next one's
    tokens (a revocation copied in one test once refused a token minted in the same second in
    the next)."""
    alice = mirrored["alice"]
    authcache("flush", "--user", alice.id)  # refuses tokens issued before now
    older = forged(alice, TEST_SECRET, age=60)  # genuinely signed, issued before the flush
    remote_auth.stop()
    for server in pair:
        assert_unavailable(server.verify(older))  # and each process keeps a copy of the mark

    clear_shared_cache()  # what the next test starts with
    assert_unavailable(pair[0].verify(older))  # the copy alone still refuses
    assert server_pairs(SHARED_ENV) == pair  # as the next test's `pair` fixture asks for them

    for server in pair:
        assert_degraded(server.verify(older), alice.id)
