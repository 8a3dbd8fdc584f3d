"""Token helpers: shape checks, unverified claims, local-token detection, keyed hashes."""

import base64
import hashlib
import json
import time
from typing import Any

import jwt
import pytest

from core.tokens import (
    KeyedHash,
    NotServerToken,
    ServerTokenFormat,
    expiry,
    fingerprint,
    is_local,
    is_well_formed,
    unverified_claims,
    verify_signed,
)

SECRET = "remote-secret-we-do-not-have-0123456789"
HEADER = '{"alg":"HS256","typ":"JWT"}'


def segment(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def forged(payload: str) -> str:
    """Return a JWT-shaped token with a raw (possibly non-standard) JSON payload."""
    return f"{segment(HEADER)}.{segment(payload)}.c2ln"


def signed(claims: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


# --- is_well_formed ------------------------------------------------------------------------


def test_well_formed_jwt_is_accepted():
    assert is_well_formed(signed({"sub": "u"}), 4096)


@pytest.mark.parametrize(
    "token",
    ["", "abc def", "abc\tdef", "abc\n", "tökén", "abc,def", 'a"b', "a\x00b"],
    ids=["empty", "space", "tab", "newline", "non-ascii", "comma", "quote", "nul"],
)
def test_malformed_tokens_are_refused(token):
    assert not is_well_formed(token, 4096)


def test_every_b64token_character_is_accepted():
    assert is_well_formed("AZaz09-._~+/=", 4096)


def test_token_at_the_length_limit_is_accepted_and_one_more_is_not():
    assert is_well_formed("a" * 10, 10)
    assert not is_well_formed("a" * 11, 10)


# --- unverified_claims and expiry ----------------------------------------------------------


def test_unverified_claims_reads_payload_without_the_secret():
    token = signed({"sub": "u1", "exp": 1_700_000_000})

    assert unverified_claims(token) == {"sub": "u1", "exp": 1_700_000_000}


def test_unverified_claims_ignores_expiry():
    token = signed({"sub": "u1", "exp": int(time.time()) - 3600})

    assert unverified_claims(token)["sub"] == "u1"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b.c",
        "a.b",
        "!!!.???.***",
        "tökén.x.y",
        forged("not json"),
        forged("[1, 2]"),
        forged('"a string"'),
    ],
)
def test_unverified_claims_of_garbage_is_empty(token):
    assert unverified_claims(token) == {}


def test_expiry_reads_integer_exp():
    assert expiry({"exp": 1_700_000_000}) == 1_700_000_000


def test_expiry_truncates_float_exp():
    assert expiry({"exp": 1_700_000_000.9}) == 1_700_000_000


@pytest.mark.parametrize("exp", [None, "1700000000", True, False, [1], {"a": 1}])
def test_expiry_of_non_numbers_is_none(exp):
    assert expiry({"exp": exp}) is None


def test_expiry_absent_is_none():
    assert expiry({}) is None


@pytest.mark.parametrize(
    "payload",
    ['{"exp": NaN}', '{"exp": Infinity}', '{"exp": -1e400}', '{"exp": 1' + "0" * 400 + "}"],
    ids=["nan", "infinity", "minus-1e400", "400-digit-int"],
)
def test_expiry_of_non_finite_numbers_from_a_forged_token_is_none(payload):
    claims = unverified_claims(forged(payload))

    assert expiry(claims) is None


# --- is_local ------------------------------------------------------------------------------


def test_is_local_needs_issuer_and_token_type():
    assert is_local({"iss": "saas-admin", "token_type": "access"}, "saas-admin")


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "saas-admin"},
        {"token_type": "access"},
        {"iss": "someone-else", "token_type": "access"},
        {},
    ],
)
def test_is_local_is_false_without_both(claims):
    assert not is_local(claims, "saas-admin")


# --- KeyedHash and fingerprint ------------------------------------------------------------


def test_keyed_hash_differs_for_tokens_sharing_their_first_40_characters():
    first, second = signed({"sub": "user-1"}), signed({"sub": "user-2"})
    assert first[:40] == second[:40]

    assert KeyedHash(b"k")(first) != KeyedHash(b"k")(second)


def test_keyed_hash_uses_the_whole_token():
    token = "A" * 200

    assert KeyedHash(b"k")(token) != KeyedHash(b"k")(token[:-1] + "B")
    assert (
        KeyedHash(b"k")(token)
        == hashlib.blake2b(token.encode(), key=b"k", digest_size=32).hexdigest()
    )


def test_keyed_hash_depends_on_the_key_and_hides_the_token():
    token = signed({"sub": "u"})

    assert KeyedHash(b"k1")(token) != KeyedHash(b"k2")(token)
    assert KeyedHash(b"k1")(token) != hashlib.sha256(token.encode()).hexdigest()
    assert token not in KeyedHash(b"k1")(token)


def test_fingerprint_is_short_stable_and_not_the_token():
    token = signed({"sub": "u"})

    assert len(fingerprint(token)) == 12
    assert fingerprint(token) == fingerprint(token)
    assert fingerprint(token) not in token
    assert fingerprint(token) != fingerprint(signed({"sub": "v"}))


def test_fingerprint_tolerates_non_ascii():
    assert len(fingerprint("tökén")) == 12


# --- verify_signed -------------------------------------------------------------------------


def test_verify_signed_returns_claims_of_a_good_token():
    token = signed({"sub": "u", "exp": int(time.time()) + 60})

    assert verify_signed(token, SECRET)["sub"] == "u"


@pytest.mark.parametrize(
    "token",
    [
        signed(
            {"sub": "u", "exp": int(time.time()) + 60},
            secret="another-secret-0123456789abcdef-and-more",
        ),
        signed({"sub": "u", "exp": int(time.time()) - 60}),
        signed({"sub": "u"}),
        signed({"exp": int(time.time()) + 60}),
        jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, "", algorithm="none"),
        "garbage",
        signed({"sub": "u", "exp": 10**400}),
    ],
    ids=["wrong-secret", "expired", "no-exp", "no-sub", "alg-none", "garbage", "exp-400-digits"],
)
def test_verify_signed_refuses_bad_tokens(token):
    with pytest.raises(jwt.PyJWTError):
        verify_signed(token, SECRET)


def test_verify_signed_honours_leeway():
    token = signed({"sub": "u", "exp": int(time.time()) - 5})

    assert verify_signed(token, SECRET, leeway=60)["sub"] == "u"


def test_forged_helper_builds_a_decodable_token():
    assert unverified_claims(forged(json.dumps({"exp": 5}))) == {"exp": 5}


# --- ServerTokenFormat: what the auth server's tokens can look like ---------------------------

ALGORITHMS = frozenset({"HS256", "HS384", "HS512", "RS256", "ES256"})
NOW = int(time.time())


def shaped(header: dict[str, Any], claims: dict[str, Any], signature_bytes: int) -> str:
    sig = base64.urlsafe_b64encode(b"\x01" * signature_bytes).rstrip(b"=").decode()
    return f"{segment(json.dumps(header))}.{segment(json.dumps(claims))}.{sig}"


def refusal(token: str, **options: Any) -> str:
    with pytest.raises(NotServerToken) as caught:
        ServerTokenFormat(algorithms=ALGORITHMS, **options).check(token)
    return str(caught.value)


def test_a_perfect_looking_token_passes():
    token = shaped({"alg": "HS256"}, {"sub": "x", "exp": NOW + 60}, 32)

    ServerTokenFormat(algorithms=ALGORITHMS).check(token)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.00000001", "exp"),
        ("a.b", "three segments"),
        ("a+b.c.d", "base64url"),
        (f"{segment('[1]')}.{segment('{}')}.c2ln", "header is not a JSON object"),
        (f"{segment('nope')}.{segment('{}')}.c2ln", "header is not JSON"),
        (shaped({"alg": "none"}, {"exp": NOW + 60}, 0), "algorithm"),
        (shaped({"alg": "HS1"}, {"exp": NOW + 60}, 32), "algorithm"),
        (shaped({"alg": "HS256"}, {"exp": "soon"}, 32), "exp"),
        (shaped({"alg": "HS256"}, {"exp": NOW + 60}, 31), "signature length"),
        (shaped({"alg": "HS512"}, {"exp": NOW + 60}, 32), "signature length"),
        (shaped({"alg": "ES256"}, {"exp": NOW + 60}, 72), "signature length"),
        (shaped({"alg": "RS256"}, {"exp": NOW + 60}, 128), "signature length"),
        (forged('{"exp": 1' + "0" * 400 + "}"), "exp"),
        (forged('{"exp": 1e400}'), "exp"),
    ],
)
def test_tokens_that_cannot_be_the_auth_servers_are_refused(token, reason):
    assert reason in refusal(token)


def test_exp_may_be_optional():
    token = shaped({"alg": "RS256"}, {"sub": "x"}, 256)

    ServerTokenFormat(algorithms=ALGORITHMS, require_exp=False).check(token)


def test_with_the_secret_known_a_bad_signature_is_refused():
    token = signed({"sub": "x", "exp": NOW + 60}, secret="another-secret-of-32-bytes-or-more!!")

    assert "signature" in refusal(token, secret=SECRET)
    ServerTokenFormat(algorithms=ALGORITHMS, secret=SECRET).check(
        signed({"sub": "x", "exp": NOW + 60})
    )
