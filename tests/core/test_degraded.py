"""Degraded verification: a token's HS256 signature checked locally, for already-mirrored users only.

LocalSignatureVerifier on its own, then wired in: the verifier consults it only when the auth server
cannot answer (here: nothing listens at the configured URL), and a view may refuse its answers.
"""

import copy
import time
from typing import Any, cast

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.degraded import LocalSignatureVerifier
from core.exceptions import Rejected, Unavailable
from core.identity import Identity, Organization, identity_from_claims
from core.middleware import HEADER, DegradedAuthHeaderMiddleware
from core.revocation import revoke_user
from core.snapshots import snapshot
from core.users import UserSync
from core.verifier import Verifier
from core.wiring import default_cache, default_verifier

pytestmark = pytest.mark.django_db
SECRET = "degraded-tests-signing-secret-" + "0123456789" * 4  # 64+ bytes: HS512 too
ALICE = Identity(remote_id="u-alice", email="alice@acme.test", organization=Organization("o1"))


def token(secret: str = SECRET, algorithm: str = "HS256", **overrides: Any) -> str:
    """Return a token for alice signed with `secret`; None-valued overrides drop the claim."""
    now = int(time.time())
    claims = {
        "sub": ALICE.remote_id,
        "email": ALICE.email,
        "org": "o1",
        "products": ["buildeasy", 7, "teamspace"],
        "iat": now - 30,
        "exp": now + 600,
        **overrides,
    }
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm)


@pytest.fixture
def alice() -> Any:
    user, _ = UserSync().sync(ALICE)
    return user


@pytest.fixture
def degraded_settings(settings) -> Any:
    """Turn degraded mode on, with an auth server that cannot answer (nothing listens there)."""
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": "http://127.0.0.1:9",
        "JWT_SECRET": SECRET,
        "CONNECT_TIMEOUT": 0.2,
    }
    return settings


# --- claims → Identity ---------------------------------------------------------------------


def test_identity_from_claims_reads_the_token_claims() -> None:
    identity = identity_from_claims(
        {"sub": "u1", "email": "a@b.c", "org": "o1", "products": ["all", 3], "exp": 1_900_000_000}
    )

    assert identity == Identity(
        remote_id="u1",
        email="a@b.c",
        organization=Organization("o1"),
        organization_stated=True,
        products=("all",),
        expires_at=1_900_000_000,
    )


def test_identity_from_claims_without_an_org_claim_says_nothing_about_it() -> None:
    identity = identity_from_claims({"sub": "u1", "exp": 1})

    assert (identity.organization, identity.organization_stated) == (None, False)


def test_identity_from_claims_reads_through_the_claims_map() -> None:
    identity = identity_from_claims(
        {"uid": "u9", "mail": "x@y.z", "given_name": "Ann", "tenant": "t1", "exp": 1},
        {"sub": "uid", "email": "mail", "first_name": "given_name", "organization": "tenant"},
    )

    assert (identity.remote_id, identity.email, identity.first_name) == ("u9", "x@y.z", "Ann")
    assert identity.organization == Organization("t1")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u1", "exp": 1},
        {"sub": "u1", "exp": 1, "email": 5, "org": "", "products": "all"},
        {"sub": "u1", "exp": 1, "email": None, "org": 7, "products": None},
    ],
)
def test_identity_from_claims_treats_odd_claims_as_unknown(claims: dict[str, Any]) -> None:
    identity = identity_from_claims(claims)

    assert (identity.email, identity.organization, identity.products) == (None, None, ())


# --- LocalSignatureVerifier ----------------------------------------------------------------


def test_a_mirrored_users_signed_token_verifies_locally(alice) -> None:
    signed = token()

    verification = LocalSignatureVerifier(SECRET)(signed)

    assert verification is not None
    assert verification.source == "degraded"
    assert verification.user == snapshot(alice)
    assert verification.identity.remote_id == ALICE.remote_id
    assert verification.identity.products == ("buildeasy", "teamspace")
    assert (
        verification.verified_at == jwt.decode(signed, options={"verify_signature": False})["iat"]
    )


def test_an_unknown_user_is_not_provisioned_from_an_unvouched_token() -> None:
    assert LocalSignatureVerifier(SECRET)(token()) is None


@pytest.mark.parametrize(
    "signed",
    [
        pytest.param(lambda: token(secret="another-secret-" + "x" * 64), id="secret"),
        pytest.param(lambda: token(exp=int(time.time()) - 1), id="expired"),
        pytest.param(lambda: token(sub=None), id="no-sub"),
        pytest.param(lambda: token(exp=None), id="no-exp"),
        pytest.param(lambda: token(algorithm="HS512"), id="hs512"),
        pytest.param(lambda: jwt.encode({"sub": "u-alice", "exp": 2**31}, "", "none"), id="none"),
        pytest.param(lambda: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LWFsaWNlIn0.c2ln", id="garbage"),
        pytest.param(lambda: "not-a-jwt", id="opaque"),
    ],
)
def test_a_token_that_fails_the_local_check_is_refused(alice, signed) -> None:
    assert LocalSignatureVerifier(SECRET)(signed()) is None


def test_a_token_without_iat_counts_as_verified_now(alice) -> None:
    before = time.time()

    verification = LocalSignatureVerifier(SECRET)(token(iat=None))

    assert verification is not None
    assert before <= verification.verified_at <= time.time()


# --- wired into the verifier -----------------------------------------------------------------


def mirror(identity: Identity) -> dict[str, Any]:
    raise AssertionError("degraded answers never mirror")


def verifier() -> Verifier:
    """Return the default verifier with a mirroring that fails the test when it runs."""
    twin = copy.copy(default_verifier())
    twin.mirror = mirror
    return twin


def test_the_verifier_falls_back_to_it_when_the_auth_server_cannot_answer(
    degraded_settings, alice
) -> None:
    verification = verifier().verify(token())

    assert verification.source == "degraded"
    assert caches["default"].get(default_cache().token_key(token())) is None  # not cached


def test_without_a_secret_the_outage_is_raised(settings, alice) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": "http://127.0.0.1:9"}

    with pytest.raises(Unavailable):
        verifier().verify(token())


def test_a_user_revoked_after_the_token_was_issued_is_not_accepted(
    degraded_settings, alice
) -> None:
    signed = token()
    revoke_user(ALICE.remote_id)

    with pytest.raises(Unavailable):
        verifier().verify(signed)


def test_a_rejection_by_the_auth_server_is_never_overridden(
    settings, alice, fixed_upstream
) -> None:
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": fixed_upstream({"success": False, "error": "invalid_token"}, status=401),
        "JWT_SECRET": SECRET,
    }

    with pytest.raises(Rejected):
        verifier().verify(token())


# --- what callers see ----------------------------------------------------------------------


class Anything(APIView):
    def get(self, request: Any) -> Response:
        return Response({"source": request.auth.source})


class FreshOnly(Anything):
    remote_auth_allow_degraded = False


def call(view: type[APIView], signed: str) -> Response:
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {signed}")
    response = cast(Response, DegradedAuthHeaderMiddleware(view.as_view())(request))
    response.render()
    return response


def test_callers_see_a_flagged_answer(degraded_settings, alice) -> None:
    response = call(Anything, token())

    assert response.status_code == 200
    assert response[HEADER] == "degraded"
    assert response.data == {"source": "degraded"}


def test_a_view_that_requires_fresh_auth_refuses_degraded_answers(degraded_settings, alice) -> None:
    response = call(FreshOnly, token())

    assert response.status_code == 503
    assert response.data["code"] == "auth_service_unavailable"
    assert int(response["Retry-After"]) >= 1
    assert not response.has_header(HEADER)


def test_a_disabled_local_user_is_refused_even_when_degraded(degraded_settings, alice) -> None:
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)  # no signal, no mark

    response = call(Anything, token())

    assert response.status_code == 401
    assert response.data["code"] == "user_inactive"
