"""Signed notifications: HMAC-SHA256 over `timestamp.body`, fresh, and used once."""

import hashlib
import hmac

import pytest

from core.signing import SignatureRefused, check, sign

SECRET = "notification-secret"
BODY = b'{"userId":"u1","action":"revoke_tokens"}'
NOW = 1_700_000_000
SKEW = 300


def refusal(cache, *, timestamp=str(NOW), signature=None, body=BODY, now=NOW) -> str:
    """Return the code `check` refuses with; fail when it accepts."""
    signature = sign(SECRET, int(timestamp), body) if signature is None else signature
    with pytest.raises(SignatureRefused) as refused:
        check(
            cache.state, SECRET, timestamp=timestamp, signature=signature, body=body,
            max_skew=SKEW, now=now,
        )  # fmt: skip
    return refused.value.code


def accept(cache, *, timestamp: int = NOW, body: bytes = BODY, now: float = NOW) -> None:
    check(
        cache.state, SECRET, timestamp=str(timestamp), signature=sign(SECRET, timestamp, body),
        body=body, max_skew=SKEW, now=now,
    )  # fmt: skip


def test_sign_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, NOW, BODY) == f"sha256={expected}"


def test_a_signed_notification_round_trips(vcache) -> None:
    accept(vcache)


def test_a_signature_made_with_another_secret_is_refused(vcache) -> None:
    assert refusal(vcache, signature=sign("another-secret", NOW, BODY)) == "bad_signature"


def test_a_changed_body_is_refused(vcache) -> None:
    signature = sign(SECRET, NOW, BODY)

    assert refusal(vcache, signature=signature, body=BODY + b" ") == "bad_signature"


def test_a_signature_for_another_timestamp_is_refused(vcache) -> None:
    signature = sign(SECRET, NOW - 1, BODY)

    assert refusal(vcache, signature=signature) == "bad_signature"


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=", "md5=abc", sign(SECRET, NOW, BODY)[7:], "sha256=\u00e9" + "0" * 63],
    ids=["empty", "no-hex", "other-scheme", "no-scheme", "non-ascii"],
)
def test_a_missing_or_malformed_signature_is_refused(vcache, signature: str) -> None:
    assert refusal(vcache, signature=signature) == "bad_signature"


@pytest.mark.parametrize("offset", [-SKEW - 1, SKEW + 1, -86_400])
def test_a_timestamp_outside_the_skew_is_stale(vcache, offset: int) -> None:
    assert refusal(vcache, now=NOW - offset) == "stale_signature"


@pytest.mark.parametrize("offset", [-SKEW, SKEW])
def test_a_timestamp_at_the_skew_limit_is_accepted(vcache, offset: int) -> None:
    accept(vcache, now=NOW - offset)


@pytest.mark.parametrize(
    "timestamp",
    ["", "abc", "-1700000000", "1700000000.5", " 1700000000", "1e9", "\u00b2", "9" * 5000],
    ids=["empty", "words", "negative", "decimal", "space", "exponent", "superscript", "huge"],
)
def test_a_non_numeric_timestamp_is_a_bad_signature_not_a_crash(vcache, timestamp: str) -> None:
    assert refusal(vcache, timestamp=timestamp, signature="sha256=" + "0" * 64) == "bad_signature"


def test_a_replayed_signature_is_refused(vcache) -> None:
    accept(vcache)

    assert refusal(vcache) == "replayed_signature"


def test_a_replay_is_refused_for_as_long_as_the_timestamp_is_fresh(vcache) -> None:
    accept(vcache, now=NOW - SKEW)  # received as early as it may be

    assert refusal(vcache, now=NOW + SKEW) == "replayed_signature"
    assert refusal(vcache, now=NOW + SKEW + 1) == "stale_signature"


def test_two_notifications_in_the_same_second_are_both_accepted(vcache) -> None:
    accept(vcache)
    accept(vcache, body=b'{"userId":"u2","action":"revoke_tokens"}')


def test_a_refused_signature_is_not_remembered(vcache) -> None:
    refusal(vcache, now=NOW + SKEW + 1)

    accept(vcache)


def test_without_the_shared_cache_replays_are_still_refused_in_this_process(
    broken_vcache,
) -> None:
    accept(broken_vcache)

    assert refusal(broken_vcache) == "replayed_signature"
