"""Asymmetric signing: RS256 and ES256 keys with a kid each, the JWKS, and rotation."""

import jwt
import pytest

from tests.authserver.helpers import get, me
from tests.fixtures.authserver import LocalAuthServer


def test_hs256_is_the_default_and_carries_no_kid(auth_server_clean: LocalAuthServer) -> None:
    token = auth_server_clean.mint_token("alice@acme.test")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert "kid" not in jwt.get_unverified_header(token)


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_tokens_verify_against_the_published_key(
    auth_server_clean: LocalAuthServer, alg: str
) -> None:
    kid = auth_server_clean.rotate_keys(alg)
    token = auth_server_clean.mint_token("alice@acme.test")
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["kid"]) == (alg, kid)
    jwk = next(k for k in auth_server_clean.jwks()["keys"] if k["kid"] == kid)
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=[alg])
    assert claims["email"] == "alice@acme.test"
    assert me(auth_server_clean, token).status_code == 200


def test_jwks_publishes_one_key_per_algorithm_at_start(auth_server_clean: LocalAuthServer) -> None:
    keys = auth_server_clean.jwks()["keys"]
    assert sorted(k["alg"] for k in keys) == ["ES256", "RS256"]
    assert len({k["kid"] for k in keys}) == 2
    assert all("d" not in k for k in keys)  # public halves only
    assert auth_server_clean.calls("GET /.well-known/jwks.json") == 1


def test_retiring_a_key_unpublishes_it_and_its_tokens_stop_verifying(
    auth_server_clean: LocalAuthServer,
) -> None:
    old_kid = auth_server_clean.rotate_keys("RS256")
    old = auth_server_clean.mint_token("alice@acme.test")
    new_kid = auth_server_clean.rotate_keys(retire=True)
    kids = {k["kid"] for k in auth_server_clean.jwks()["keys"]}
    assert new_kid in kids
    assert old_kid not in kids
    assert me(auth_server_clean, old).status_code == 401
    assert me(auth_server_clean, auth_server_clean.mint_token("alice@acme.test")).status_code == 200


def test_jwks_can_be_faulted(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("status", status=503, paths=["/.well-known/"])
    assert get(auth_server_clean, "/.well-known/jwks.json").status_code == 503
