"""Batches of shared-cache operations: one round trip on Redis, the same results elsewhere, and
claimed operations that run only when the batch's claim is taken."""

import threading
from typing import Any

import pytest
from redis.connection import Connection

from core.safecache import SafeCache

from .conftest import BrokenCache


@pytest.fixture
def safe(shared) -> SafeCache:
    return SafeCache(shared)


def test_operations_run_in_order_with_their_results(safe) -> None:
    safe.set("seen", {"a": 1}, 60)
    batch = safe.batch()
    added, again = batch.add("n", 0, 60), batch.add("n", 5, 60)
    counted, read, missing = batch.incr("n"), batch.get("seen"), batch.get("nothing")
    batch.send()

    assert (added.value, again.value, counted.value) == (True, False, 1)
    assert (read.value, missing.value) == ({"a": 1}, None)
    assert safe.get("n") == 1


def test_claimed_operations_run_only_when_the_claim_is_taken(safe) -> None:
    first, second = safe.batch(), safe.batch()
    taken = first.claim("lease", "me", 60)
    first.add("count", 0, 60, claimed=True)
    counted = first.incr("count", claimed=True)
    first.send()
    refused = second.claim("lease", "other", 60)
    second.add("count", 0, 60, claimed=True)
    uncounted = second.incr("count", claimed=True)
    read = second.get("lease")
    second.send()

    assert (taken.value, counted.value) == (True, 1)
    assert (refused.value, uncounted.value, read.value) == (False, None, "me")
    assert safe.get("count") == 1


def test_a_batch_has_one_claim(safe) -> None:
    batch = safe.batch()
    batch.claim("lease", "me", 60)

    with pytest.raises(ValueError, match="one claim"):
        batch.claim("another", "me", 60)


def test_a_batch_is_one_round_trip_on_redis(monkeypatch) -> None:
    from django.core.cache import caches

    safe = SafeCache(caches["default"])
    safe.get("warm")  # connects
    sent: list[Any] = []
    original, thread = Connection.send_packed_command, threading.get_ident()

    def recording(connection: Any, command: Any, check_health: bool = True) -> None:
        if threading.get_ident() == thread:
            sent.append(command)
        original(connection, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", recording)
    batch = safe.batch()
    batch.claim("lease", "me", 60)
    batch.add("count", 0, 60, claimed=True)
    batch.incr("count", claimed=True)
    batch.get("a")
    batch.get("b")
    batch.send()

    assert len(sent) == 1


def test_an_outage_runs_the_batch_in_process(caplog) -> None:
    safe = SafeCache(BrokenCache())
    batch = safe.batch()
    taken = batch.claim("lease", "me", 60)
    batch.add("count", 0, 60, claimed=True)
    counted = batch.incr("count", claimed=True)
    batch.send()

    assert (taken.value, counted.value) == (True, 1)
    assert safe.down
    assert "shared cache unavailable" in caplog.text
