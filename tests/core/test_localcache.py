"""LocalTTLCache: per-entry TTL on an injected clock, LRU eviction, selective discard."""

import pytest

from core.localcache import LocalTTLCache


@pytest.fixture
def local(clock) -> LocalTTLCache:
    return LocalTTLCache(3, clock=clock)


def test_value_is_returned_until_its_ttl_passes(local, clock):
    local.set("a", {"v": 1}, 5)

    clock.advance(4.99)
    assert local.get("a") == {"v": 1}
    clock.advance(0.01)
    assert local.get("a") is None


def test_expired_entry_is_removed_on_read(local, clock):
    local.set("a", 1, 1)
    clock.advance(2)

    local.get("a")

    assert len(local) == 0


def test_each_entry_has_its_own_ttl(local, clock):
    local.set("short", 1, 1)
    local.set("long", 2, 10)

    clock.advance(5)

    assert local.get("short") is None
    assert local.get("long") == 2


def test_overwrite_restarts_the_ttl(local, clock):
    local.set("a", 1, 5)
    clock.advance(4)
    local.set("a", 2, 5)
    clock.advance(4)

    assert local.get("a") == 2


def test_missing_key_is_none(local):
    assert local.get("nope") is None


@pytest.mark.parametrize("ttl", [0, -1, -0.5])
def test_zero_or_negative_ttl_stores_nothing(local, ttl):
    local.set("a", 1, ttl)

    assert local.get("a") is None
    assert len(local) == 0


def test_zero_max_size_stores_nothing(clock):
    local = LocalTTLCache(0, clock=clock)

    local.set("a", 1, 10)

    assert local.get("a") is None


def test_least_recently_set_entry_is_evicted_at_max_size(local):
    for key in "abcd":
        local.set(key, key, 10)

    assert len(local) == 3
    assert local.get("a") is None
    assert [local.get(key) for key in "bcd"] == ["b", "c", "d"]


def test_reading_an_entry_protects_it_from_eviction(local):
    for key in "abc":
        local.set(key, key, 10)
    local.get("a")

    local.set("d", "d", 10)

    assert local.get("a") == "a"
    assert local.get("b") is None


def test_delete_drops_one_key(local):
    local.set("a", 1, 10)
    local.set("b", 2, 10)

    local.delete("a")
    local.delete("never-there")

    assert local.get("a") is None
    assert local.get("b") == 2


def test_discard_where_drops_matching_values_and_counts_them(local):
    local.set("t1", {"remote_id": "u1"}, 10)
    local.set("t2", {"remote_id": "u2"}, 10)
    local.set("t3", {"remote_id": "u1"}, 10)

    dropped = local.discard_where(lambda entry: entry["remote_id"] == "u1")

    assert dropped == 2
    assert local.get("t1") is None
    assert local.get("t3") is None
    assert local.get("t2") == {"remote_id": "u2"}


def test_discard_where_with_no_match_drops_nothing(local):
    local.set("t1", {"remote_id": "u1"}, 10)

    assert local.discard_where(lambda entry: False) == 0
    assert len(local) == 1


def test_clear_drops_everything(local):
    local.set("a", 1, 10)
    local.set("b", 2, 10)

    local.clear()

    assert len(local) == 0
