"""VerificationCache: key layout, both levels, TTL rules, and a shared-cache outage as a miss."""

import logging
from dataclasses import replace

import pytest

from core.entries import Denied, Rejection, Verified, entry_from_dict
from core.identity import Identity
from core.singleflight import Lease
from core.state import SharedState, namespace_for
from core.tokens import KeyedHash

from .conftest import BrokenCache, make_cache

TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSJ9.secret-signature"
ENTRY = Verified(Identity(remote_id="u1"), None, 1.0, 0, None)


# --- keys ----------------------------------------------------------------------------------


def test_token_key_is_prefix_namespace_tok_hmac(vcache):
    key = vcache.token_key(TOKEN)

    assert key.split(":") == ["t", namespace_for("a"), "tok", KeyedHash(b"k")(TOKEN)]


def test_token_key_contains_no_part_of_the_raw_token(vcache):
    key = vcache.token_key(TOKEN)

    assert TOKEN not in key
    assert TOKEN[:20] not in key
    assert TOKEN.split(".")[2] not in key


def test_tokens_sharing_a_long_prefix_get_different_keys(vcache):
    assert vcache.token_key(TOKEN + "A") != vcache.token_key(TOKEN + "B")


def test_different_auth_servers_get_different_namespaces(shared, clock):
    first = make_cache(shared, clock, issuer="staging")
    second = make_cache(shared, clock, issuer="production")

    assert first.token_key(TOKEN) != second.token_key(TOKEN)
    assert first.state.key("breaker", "open_until") != second.state.key("breaker", "open_until")


def test_namespace_is_the_issuer_never_the_url():
    assert namespace_for("production") != namespace_for("staging")
    assert len(namespace_for("production")) == 16


def test_hash_key_changes_the_token_key(shared, clock):
    first = make_cache(shared, clock, hash_key=b"one")
    second = make_cache(shared, clock, hash_key=b"two")

    assert first.token_key(TOKEN) != second.token_key(TOKEN)


def test_key_of_other_state_shares_the_namespace(vcache):
    assert vcache.state.key("lease", "x") == f"t:{namespace_for('a')}:lease:x"


# --- both levels ---------------------------------------------------------------------------


def test_put_stores_in_both_levels(vcache):
    key = vcache.token_key(TOKEN)

    vcache.put(key, ENTRY, shared_ttl=60, local_ttl=5)

    assert vcache.get_local(key) == ENTRY
    assert vcache.get_shared(key) == ENTRY
    assert vcache.state.shared.get(key) == ENTRY.to_dict()


def test_local_level_expires_on_its_own_ttl(vcache, clock):
    key = vcache.token_key(TOKEN)
    vcache.put(key, ENTRY, shared_ttl=60, local_ttl=5)

    clock.advance(5)

    assert vcache.get_local(key) is None
    assert vcache.get_shared(key) == ENTRY


def test_local_ttl_never_exceeds_shared_ttl(vcache, clock):
    key = vcache.token_key(TOKEN)
    vcache.put(key, ENTRY, shared_ttl=2, local_ttl=30)

    clock.advance(2)

    assert vcache.get_local(key) is None


@pytest.mark.parametrize("ttl", [0.99, 0, -5])
def test_shared_ttl_below_one_second_is_not_stored_shared(vcache, ttl):
    key = vcache.token_key(TOKEN)

    vcache.put(key, ENTRY, shared_ttl=ttl, local_ttl=5)

    assert vcache.get_shared(key) is None


def test_negative_ttl_stores_nothing_at_all(vcache):
    key = vcache.token_key(TOKEN)

    vcache.put(key, ENTRY, shared_ttl=-1, local_ttl=5)

    assert vcache.get_local(key) is None
    assert vcache.get_shared(key) is None


def test_shared_value_that_is_not_an_entry_is_a_miss(vcache):
    key = vcache.token_key(TOKEN)
    vcache.state.shared.set(key, "garbage", 60)

    assert vcache.get_shared(key) is None


def test_evict_forgets_both_levels(vcache):
    key = vcache.token_key(TOKEN)
    vcache.put(key, ENTRY, shared_ttl=60, local_ttl=5)

    vcache.evict(key)

    assert vcache.get_local(key) is None
    assert vcache.get_shared(key) is None


def test_evict_local_user_drops_only_that_users_entries(vcache):
    vcache.put("k1", ENTRY, shared_ttl=60, local_ttl=5)
    vcache.put("k2", replace(ENTRY, identity=Identity(remote_id="u2")), shared_ttl=60, local_ttl=5)
    vcache.put("k3", Rejection(401, ""), shared_ttl=60, local_ttl=5)

    assert vcache.evict_local_user("u1") == 1

    assert vcache.get_local("k1") is None
    assert vcache.get_local("k2") is not None
    assert vcache.get_local("k3") is not None
    assert vcache.get_shared("k1") is not None


# --- outage --------------------------------------------------------------------------------


def test_shared_cache_that_raises_falls_back_to_this_process(broken_vcache, caplog):
    key = broken_vcache.token_key(TOKEN)

    with caplog.at_level(logging.WARNING, logger="core.safecache"):
        broken_vcache.put(key, ENTRY, shared_ttl=60, local_ttl=5)
        broken_vcache.clear_local_entries()
        assert broken_vcache.get_shared(key) == ENTRY
        broken_vcache.evict(key)
        assert broken_vcache.get_shared(key) is None

    assert broken_vcache.state.shared.primary.attempts == 1  # then left alone for a while
    assert caplog.text.count("shared cache unavailable (ConnectionError)") == 1
    assert TOKEN not in caplog.text


def test_local_level_still_works_while_shared_cache_is_down(broken_vcache):
    key = broken_vcache.token_key(TOKEN)

    broken_vcache.put(key, ENTRY, shared_ttl=60, local_ttl=5)

    assert broken_vcache.get_local(key) == ENTRY


def test_namespace_is_built_from_the_given_issuer():
    state = SharedState(BrokenCache(), prefix="p", issuer="b")

    assert state.base == f"p:{namespace_for('b')}"


# --- entries at the Redis boundary ---------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [ENTRY, Rejection(401, "TOKEN_EXPIRED", 2_000_000_000), Denied("u1", None)],
    ids=["verified", "rejection", "denied"],
)
def test_every_entry_round_trips_through_its_dict(entry):
    assert entry_from_dict(entry.to_dict()) == entry


@pytest.mark.parametrize(
    "value",
    [None, "garbage", {"kind": "ok"}, {"kind": "rejected"}, {"kind": "unknown"}, {"seq": 1}],
)
def test_a_stored_value_that_is_no_entry_is_a_miss(value):
    assert entry_from_dict(value) is None


# --- storing a positive entry unless revoked ---------------------------------------------------


def verified(vcache, seq: int | None = None) -> Verified:
    return Verified(
        Identity(remote_id="u1"), None, 1.0, vcache.marks.sequence() if seq is None else seq, None
    )


def test_a_store_with_no_mark_since_gives_up_the_lease_in_the_same_step(vcache):
    lease = Lease(vcache.state.key("lease", "k"), "mine")
    vcache.state.shared.add(lease.key, lease.value, 60)

    assert vcache.put_unless_revoked("k", verified(vcache), shared_ttl=60, local_ttl=5, lease=lease)

    assert isinstance(vcache.get_shared("k"), Verified)
    on_redis = hasattr(vcache.state.shared.primary, "client")
    assert lease.released == on_redis  # elsewhere the single-flight gives it up
    assert (vcache.state.shared.get(lease.key) is None) == on_redis


def test_a_mark_since_the_verification_started_refuses_the_store(vcache):
    entry = verified(vcache)
    vcache.marks.mark("u1")
    lease = Lease(vcache.state.key("lease", "k"), "mine")

    assert not vcache.put_unless_revoked("k", entry, shared_ttl=60, local_ttl=5, lease=lease)

    assert vcache.get_shared("k") is None
    assert vcache.get_local("k") is None
    assert not lease.released  # the single-flight gives it up


def test_a_mark_of_another_user_lets_the_store_through(vcache):
    entry = verified(vcache)
    vcache.marks.mark("someone-else")

    assert vcache.put_unless_revoked("k", entry, shared_ttl=60, local_ttl=5)


def test_a_rejection_stored_since_wins_over_the_store(vcache):
    entry = verified(vcache)
    vcache.put("k", Rejection(401, "revoked"), shared_ttl=60, local_ttl=5)

    assert not vcache.put_unless_revoked("k", entry, shared_ttl=60, local_ttl=5)
    assert isinstance(vcache.get_shared("k"), Rejection)
