"""Revocation: a token becomes a stored rejection, a user or everyone gets a "not before" mark, and
each is broadcast. Real Redis; the auth server is unreachable, so any answer comes from the cache."""

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from django.core.cache import caches

from core.entries import Rejection
from core.exceptions import Rejected
from core.invalidation import channel, redis_client
from core.marks import MARK_TTL, Mark
from core.revocation import revoke_all, revoke_token, revoke_user
from core.wiring import default_cache, default_marks, default_verifier
from tests.conftest import on_redis
from tests.core.stored import shared, store, ttl, verified

UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _unreachable_auth_server(settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": UNREACHABLE}


def token(exp_in: int | None = 100, sub: str = "u1") -> str:
    claims: dict[str, Any] = {"sub": sub, "jti": str(time.monotonic_ns())}
    if exp_in is not None:
        claims["exp"] = int(time.time()) + exp_in
    return jwt.encode(claims, "not-the-auth-servers-key-0123456789abcdef", "HS256")


def no_upstream(identity: Any) -> dict[str, Any]:
    raise AssertionError("the auth server was asked")


# --- one token -------------------------------------------------------------------------------


def test_a_revoked_token_is_a_rejection_in_both_levels() -> None:
    raw = token()
    key = store(raw)

    revoke_token(raw)

    exp = jwt.decode(raw, options={"verify_signature": False})["exp"]
    rejection = Rejection(401, "revoked", exp)
    assert default_cache().get_shared(key) == rejection
    # This process's own listener may already have dropped its copy on hearing the broadcast;
    # what must never remain is the positive entry.
    assert default_cache().get_local(key) in (rejection, None)


def test_the_rejection_lives_as_long_as_the_token() -> None:
    raw = token(exp_in=100)

    revoke_token(raw, reason="logged_out")

    assert 95 <= ttl(default_cache().token_key(raw)) <= 100
    rejection = shared(default_cache().token_key(raw))
    assert isinstance(rejection, Rejection)
    assert rejection.code == "logged_out"


def test_a_token_without_exp_leaves_no_key_behind() -> None:
    raw = token(exp_in=None)
    key = store(raw)

    revoke_token(raw)

    assert ttl(key) == 0  # no such key (django-redis): a junk logout stores nothing
    assert default_cache().get_local(key) is None


def test_the_rejection_never_outlives_the_tokens_exp() -> None:
    raw = token(exp_in=3)

    revoke_token(raw)

    assert 1 <= ttl(default_cache().token_key(raw)) <= 3


def test_a_revoked_token_answers_401_without_asking_the_auth_server() -> None:
    raw = token()
    store(raw)
    revoke_token(raw)
    default_cache().clear_local_entries()  # another process: only the shared level knows

    with pytest.raises(Rejected) as rejected:
        default_verifier().verify(raw)

    assert rejected.value.status == 401


def test_a_revoked_token_stays_refused_after_a_global_flush() -> None:
    raw = token()
    revoke_token(raw)

    revoke_all()

    with pytest.raises(Rejected):
        default_verifier().verify(raw)


# --- one user, everyone ----------------------------------------------------------------------


def test_revoking_a_user_drops_that_users_entries_here_and_marks_the_rest() -> None:
    alice_key, bob_key = store(token(sub="u1"), "u1"), store(token(sub="u2"), "u2")
    before = time.time()

    revoke_user("u1")

    cache = default_cache()
    assert cache.get_local(alice_key) is None
    assert cache.get_local(bob_key) is not None
    assert default_marks().revoked(shared(alice_key))
    assert not default_marks().revoked(shared(bob_key))
    mark = Mark.from_dict(caches["default"].get(cache.state.key("nbf", "u1")))
    assert mark is not None
    assert before <= mark.at <= time.time()  # this service's clock at receipt


def test_a_user_mark_spares_verifications_made_after_it() -> None:
    revoke_user("u1")

    assert not default_marks().revoked(verified("u1", at=time.time() + 0.01))


def test_revoking_everyone_marks_every_user_and_clears_this_process() -> None:
    keys = [store(token(sub=who), who) for who in ("u1", "u2")]

    revoke_all()

    cache = default_cache()
    assert len(cache) == 0
    assert all(default_marks().revoked(shared(key)) for key in keys)
    assert not default_marks().revoked(verified("u3", at=time.time() + 0.01))


def test_marks_outlive_every_entry_they_invalidate() -> None:
    revoke_user("u1")
    revoke_all()

    cache = default_cache()
    for who in ("u1", "*"):
        assert MARK_TTL - 5 <= ttl(cache.state.key("nbf", who)) <= MARK_TTL


# --- broadcast and outage --------------------------------------------------------------------


@pytest.fixture
def messages() -> Iterator[Any]:
    """Subscribe to this namespace's invalidation channel; yield a function reading one message."""
    pubsub = redis_client(default_cache()).pubsub()
    pubsub.subscribe(channel(default_cache()))

    def next_message() -> str | None:
        deadline = time.monotonic() + 2
        while (left := deadline - time.monotonic()) > 0:
            message = pubsub.get_message(timeout=left)  # a blocking read with a deadline
            if message and message["type"] == "message":
                return str(message["data"].decode())
        return None

    yield next_message
    pubsub.close()


def test_every_revocation_is_broadcast(messages) -> None:
    raw = token()

    revoke_token(raw)
    revoke_user("u1")
    revoke_all()

    assert messages() == f"token {default_cache().token_key(raw)}"
    assert messages() == "user u1"
    assert messages() == "all *"


def test_revocations_still_apply_in_this_process_while_redis_is_down(
    settings, private_redis
) -> None:
    settings.CACHES = on_redis(settings.CACHES, private_redis.url)
    revoked, user_key, other_key = token(), store(token(sub="u1"), "u1"), store(token(), "u9")
    private_redis.stop()

    revoke_token(revoked)
    revoke_user("u1")

    cache = default_cache()
    assert isinstance(cache.get_local(cache.token_key(revoked)), Rejection)
    assert cache.get_local(user_key) is None
    assert cache.get_local(other_key) is not None
    revoke_all()
    assert len(cache) == 0


def stored_mark(who: str) -> Mark:
    mark = Mark.from_dict(caches["default"].get(default_cache().state.key("nbf", who)))
    assert mark is not None
    return mark


def test_a_local_record_change_re_verifies_but_keeps_the_last_revocations_time() -> None:
    revoke_user("u1")
    revoked = stored_mark("u1")

    revoke_user("u1", revocation=False)  # core.receivers: the mirrored user was saved

    assert stored_mark("u1").seq > revoked.seq
    assert stored_mark("u1").at == revoked.at
    revoke_user("u2", revocation=False)
    assert stored_mark("u2").at == 0.0  # refuses no token in degraded mode
