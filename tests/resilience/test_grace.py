"""Grace (GRACE_SECONDS): serve a stale verification, flagged, while the auth server cannot answer.

The boundary tests run SaaS Admin's real view, authentication class and middleware in-process with
a Verifier on a fake clock; the auth server (local, over HTTP) and Redis are real. GRACE_SECONDS
counts from the verification itself: grace only matters when it is longer than POSITIVE_TTL.
"""

import time
from typing import Any, cast

import pytest
import requests
from django.core.cache import caches
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory

from apps.authentication.views import VerifyView
from core.authentication import RemoteJWTAuthentication
from core.breaker import CircuitBreaker
from core.budget import UpstreamBudget
from core.cache import VerificationCache
from core.client import AuthServiceClient
from core.exceptions import Unavailable
from core.localcache import LocalTTLCache
from core.marks import RevocationMarks
from core.middleware import HEADER, DegradedAuthHeaderMiddleware
from core.mirroring import Mirror
from core.revocation import revoke_user
from core.singleflight import SingleFlight
from core.state import SharedState
from core.tokens import expiry, unverified_claims
from core.upstream import Upstream
from core.verifier import Claimed, Policy, Verifier
from core.wiring import default_user_sync
from tests.fixtures.authserver import LocalAuthServer

from .helpers import VERIFY, wait_until

pytestmark = pytest.mark.django_db
TTL = 60


class FakeClock:
    """Real time at first; moves only when told to."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Whoami(VerifyView):
    """/api/auth/verify's view, authenticated by a given verifier and clock."""

    verifier: Verifier | None = None
    clock: FakeClock | None = None

    def get_authenticators(self) -> list[BaseAuthentication]:
        assert self.verifier is not None
        assert self.clock is not None
        return [RemoteJWTAuthentication(verifier=self.verifier, clock=self.clock)]


class FreshOnly(Whoami):
    """A view where a stale answer will not do (money, permissions)."""

    remote_auth_allow_degraded = False


def build_verifier(server: LocalAuthServer, clock: FakeClock, grace: float) -> Verifier:
    # The configured AUTH_ISSUER_ID: revoke_user writes under it.
    state = SharedState(caches["default"], prefix="grace-tests", issuer="local")
    marks = RevocationMarks(state, local_ttl=5, local_size=100, clock=clock)
    cache = VerificationCache(
        state, LocalTTLCache(100, clock=clock), marks=marks, hash_key=b"grace-tests"
    )
    return Verifier(
        AuthServiceClient(server.url, connect_timeout=0.5, read_timeout=1.0),
        cache,
        marks=marks,
        mirror=Mirror(default_user_sync),
        policy=Policy(positive_ttl=TTL, negative_ttl=10, local_ttl=5, exp_skew=5, grace=grace),
        flight=SingleFlight(state, lease=5, wait=2),
        upstream=Upstream(
            CircuitBreaker(state, threshold=1000, cooldown=30, probe_timeout=5, clock=clock),
            UpstreamBudget(state, per_minute=0, clock=clock),
        ),
        clock=clock,
    )


class Caller:
    """Call a view the way a request would reach it: through the degraded-header middleware."""

    def __init__(self, verifier: Verifier, clock: FakeClock) -> None:
        self.verifier, self.clock = verifier, clock

    def get(self, token: str, view: type[Whoami] = Whoami) -> Response:
        request = APIRequestFactory().get(VERIFY, HTTP_AUTHORIZATION=f"Bearer {token}")
        handler = view.as_view(verifier=self.verifier, clock=self.clock)
        response = cast(Response, DegradedAuthHeaderMiddleware(handler)(request))
        response.render()
        return response


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def caller(server: LocalAuthServer, clock: FakeClock, grace: float) -> Caller:
    return Caller(build_verifier(server, clock, grace), clock)


def assert_grace(response: Any) -> None:
    assert response.status_code == 200
    assert response[HEADER] == "grace"
    assert response.data["verification"] == {"source": "grace", "degraded": True}


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503
    assert response.data["code"] == "auth_service_unavailable"
    assert int(response["Retry-After"]) >= 1
    assert not response.has_header(HEADER)


def test_grace_off_a_stale_verification_is_a_503(remote_auth, demo_users, clock) -> None:
    call = caller(remote_auth, clock, grace=0)
    token = remote_auth.mint_token(demo_users["alice"].email)
    assert call.get(token).data["verification"]["source"] == "remote"
    remote_auth.fault("down")
    clock.advance(TTL + 1)

    assert_unavailable(call.get(token))


def test_grace_on_a_stale_verification_is_served_and_flagged(
    remote_auth, demo_users, clock
) -> None:
    call = caller(remote_auth, clock, grace=300)
    token = remote_auth.mint_token(demo_users["alice"].email)
    assert call.get(token).status_code == 200
    remote_auth.fault("down")
    clock.advance(TTL + 1)

    response = call.get(token)

    assert_grace(response)
    assert response.data["user"]["remoteId"] == demo_users["alice"].id


def test_fresh_answers_carry_no_degraded_header(remote_auth, demo_users, clock) -> None:
    call = caller(remote_auth, clock, grace=300)
    token = remote_auth.mint_token(demo_users["alice"].email)

    for response in (call.get(token), call.get(token)):
        assert response.status_code == 200
        assert not response.has_header(HEADER)
        assert response.data["verification"]["degraded"] is False


def test_grace_ends_grace_seconds_after_the_verification(remote_auth, demo_users, clock) -> None:
    call = caller(remote_auth, clock, grace=120)
    token = remote_auth.mint_token(demo_users["alice"].email)
    assert call.get(token).status_code == 200
    remote_auth.fault("down")

    clock.advance(120)
    assert_grace(call.get(token))
    clock.advance(0.001)
    assert_unavailable(call.get(token))


def test_grace_never_follows_a_401(remote_auth, demo_users, clock) -> None:
    call = caller(remote_auth, clock, grace=300)
    alice = demo_users["alice"]
    session = remote_auth.login(alice.email, alice.password)
    token = session["accessToken"]
    assert call.get(token).status_code == 200
    upstream_logout = requests.post(
        f"{remote_auth.url}/api/auth/logout",
        json={"refreshToken": session["refreshToken"]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert upstream_logout.ok
    clock.advance(TTL + 1)
    assert call.get(token).status_code == 401  # the negative entry replaces the positive one
    remote_auth.fault("down")

    assert call.get(token).status_code == 401
    clock.advance(11)
    call.verifier.cache.state.shared.delete(
        call.verifier.cache.token_key(token)
    )  # negative TTL over
    assert_unavailable(call.get(token))


def test_grace_never_reaches_past_the_tokens_exp(remote_auth, demo_users, clock) -> None:
    call = caller(remote_auth, clock, grace=3600)
    token = remote_auth.mint_token(demo_users["alice"].email, ttl=120)
    exp = expiry(unverified_claims(token))
    assert exp is not None
    assert call.get(token).status_code == 200
    remote_auth.fault("down")

    clock.now = exp - 1
    assert_grace(call.get(token))
    clock.now = exp
    expired = call.get(token)
    assert expired.status_code == 401
    assert expired.data["code"] == "token_expired"
    with pytest.raises(Unavailable):
        call.verifier.verify(token, Claimed(exp=exp))


def test_grace_refuses_a_revoked_user(remote_auth, demo_users, clock, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "CACHE_PREFIX": "grace-tests"}
    call = caller(remote_auth, clock, grace=300)
    token = remote_auth.mint_token(demo_users["alice"].email)
    assert call.get(token).status_code == 200
    remote_auth.fault("down")
    clock.advance(TTL + 1)
    assert_grace(call.get(token))

    revoke_user(demo_users["alice"].id)
    call.verifier.cache.evict_local_user(demo_users["alice"].id)  # what the broadcast does

    assert_unavailable(call.get(token))


def test_a_view_that_requires_fresh_auth_refuses_grace(remote_auth, demo_users, clock) -> None:
    call = caller(remote_auth, clock, grace=300)
    token = remote_auth.mint_token(demo_users["alice"].email)
    assert call.get(token, FreshOnly).status_code == 200  # a remote answer is fine
    remote_auth.fault("down")
    clock.advance(TTL + 1)

    assert_unavailable(call.get(token, FreshOnly))
    assert_grace(call.get(token, Whoami))


def test_grace_through_the_real_url_and_middleware(remote_auth, demo_users, settings) -> None:
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "POSITIVE_TTL": 1,
        "NEGATIVE_TTL": 1,
        "GRACE_SECONDS": 30,
    }
    api = APIClient()
    token = remote_auth.mint_token(demo_users["alice"].email)
    header = f"Bearer {token}"
    assert api.get(VERIFY, HTTP_AUTHORIZATION=header).json()["verification"]["source"] == "remote"
    remote_auth.fault("down")

    response = wait_until(lambda: _flagged(api.get(VERIFY, HTTP_AUTHORIZATION=header)), timeout=3)

    assert response[HEADER] == "grace"
    assert response.json()["verification"] == {"source": "grace", "degraded": True}


def _flagged(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response if response.has_header(HEADER) else None
