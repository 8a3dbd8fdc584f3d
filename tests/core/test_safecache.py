"""The shared cache's outage handling: fall back to this process, retry Redis later."""

import logging
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from core.safecache import RETRY_AFTER, SafeCache
from tests.core.conftest import BrokenCache, FakeClock


@pytest.fixture
def primary() -> LocMemCache:
    return LocMemCache("safecache-primary", {})


def test_operations_go_to_the_primary_while_it_answers(primary) -> None:
    safe = SafeCache(primary)

    safe.set("k", 1, 60)
    assert safe.add("n", 0, 60)
    assert not safe.add("n", 0, 60)

    assert primary.get("k") == 1
    assert safe.incr("n") == 1
    assert safe.get_many(["k", "n"]) == {"k": 1, "n": 1}
    assert not safe.down


def test_incr_of_a_missing_key_is_none_and_not_an_outage(primary) -> None:
    safe = SafeCache(primary)

    assert safe.incr("missing") is None
    assert not safe.down


def test_an_outage_moves_state_into_this_process_and_is_logged_once(caplog) -> None:
    broken, clock = BrokenCache(), FakeClock()
    safe = SafeCache(broken, clock=clock)

    with caplog.at_level(logging.WARNING, logger="core.safecache"):
        safe.set("k", "v", 60)
        assert safe.get("k") == "v"
        assert safe.add("lease", 1, 5)
        assert not safe.add("lease", 1, 5)

    assert safe.down
    assert broken.attempts == 1
    assert caplog.text.count("shared cache unavailable") == 1


def test_the_primary_is_tried_again_after_a_while() -> None:
    broken, clock = BrokenCache(), FakeClock()
    safe = SafeCache(broken, clock=clock)
    safe.get("k")

    clock.advance(RETRY_AFTER + 0.001)
    safe.get("k")

    assert broken.attempts == 2


class RecordingCache(LocMemCache):
    """An in-process cache that remembers the timeout of every set."""

    def __init__(self) -> None:
        super().__init__("safecache-recording", {})
        self.timeouts: dict[str, Any] = {}

    def set(self, key: str, value: Any, timeout: Any = None, version: Any = None) -> None:
        self.timeouts[key] = timeout
        super().set(key, value, timeout, version)


def test_a_value_set_during_an_outage_lives_only_its_fallback_timeout() -> None:
    fallback = RecordingCache()
    safe = SafeCache(BrokenCache(), fallback=fallback, clock=FakeClock())

    safe.set("entry", "v", 60, fallback_timeout=5)
    safe.set("mark", "v", 60)

    assert fallback.timeouts == {"entry": 5, "mark": 60}


def test_delete_if_equal_deletes_only_the_value_it_was_given(shared, monkeypatch) -> None:
    safe = SafeCache(shared)
    safe.set("lease", "mine", 60)
    safe.delete_if_equal("lease", "theirs")
    assert safe.get("lease") == "mine"

    if shared is caches["default"]:  # on Redis the comparison runs there, in one Lua script
        monkeypatch.setattr(shared, "get", lambda *a, **k: pytest.fail("compared in Python"))
    safe.delete_if_equal("lease", "mine")
    monkeypatch.undo()

    assert safe.get("lease") is None
    assert not safe.down


def test_delete_if_equal_works_in_process_during_an_outage() -> None:
    safe = SafeCache(BrokenCache(), clock=FakeClock())
    safe.set("lease", "mine", 60)

    safe.delete_if_equal("lease", "theirs")
    assert safe.get("lease") == "mine"
    safe.delete_if_equal("lease", "mine")

    assert safe.get("lease") is None
