"""`check_auth_server` reports the JWKS: reachable, key types and algorithms, duplicate or
missing kids, and whether the sample token verifies."""

import json
from typing import Any

import pytest

from tests.core.test_check_auth_server import assert_no_secrets, check

pytestmark = pytest.mark.django_db


def check_with_login(server: Any, user: Any) -> Any:
    """Run the command with --jwks --json, logging in as `user`."""
    return check(
        "--url", server.url, "--samples", "1", "--jwks", "--json",
        "--email", user.email, "--password-stdin", stdin=user.password + "\n",
    )  # fmt: skip


def jwks_step(run: Any) -> dict[str, Any]:
    steps = json.loads(run.out)["steps"]
    step: dict[str, Any] = next(s for s in steps if s["name"] == "jwks")
    return step


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_jwks_is_reported_with_its_keys_and_the_sample_verifies(
    auth_server_clean: Any, demo_users: Any, alg: str
) -> None:
    auth_server_clean.rotate_keys(alg)
    alice = demo_users["alice"]

    run = check_with_login(auth_server_clean, alice)

    step = jwks_step(run)
    assert run.status == 0, run.message
    assert step["status"] == "ok", step
    assert {k["alg"] for k in step["keys"]} == {"ES256", "RS256"}
    assert step["sampleVerifies"] is True
    assert_no_secrets(run, alice.password)


def test_a_hs256_sample_token_does_not_verify_and_warns(
    auth_server_clean: Any, demo_users: Any
) -> None:
    run = check_with_login(auth_server_clean, demo_users["alice"])

    step = jwks_step(run)
    assert step["status"] == "warn"
    assert step["sampleVerifies"] is False


def test_unreachable_jwks_fails(auth_server_clean: Any) -> None:
    auth_server_clean.fault("status", status=404, paths=["/.well-known/"])

    run = check("--url", auth_server_clean.url, "--samples", "1", "--jwks", "--json")

    assert jwks_step(run)["status"] == "fail"
    assert run.status != 0


def test_duplicate_and_missing_kids_warn(fixed_upstream: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    jwk = ECAlgorithm.to_jwk(public, as_dict=True)
    body = {"keys": [{**jwk, "kid": "a"}, {**jwk, "kid": "a"}, dict(jwk)], "status": "healthy"}
    url = fixed_upstream(body)

    run = check("--url", url, "--samples", "1", "--jwks", "--json")

    step = jwks_step(run)
    assert step["status"] == "warn"
    assert step["duplicateKids"] == ["a"]
    assert any("no kid" in p for p in step["problems"])
