"""Helpers for tests that read and write the default verification cache as the verifier does."""

import time
from typing import Any, cast

from django.core.cache import caches

from core.entries import Entry, Verified
from core.identity import Identity
from core.wiring import default_cache, default_marks


def verified(remote_id: str, at: float | None = None, *, sequenced: bool = True) -> Verified:
    """Return a positive entry as the verifier stores it (unsequenced: no revocation counter read)."""
    # Reading the counter starts it (a key of its own in Redis), as the verifier does when it starts.
    seq = default_marks().sequence() if sequenced else -1
    return Verified(
        Identity(remote_id=remote_id), {"id": 1}, time.time() if at is None else at, seq, None
    )


def store(raw: str, remote_id: str = "u1", *, sequenced: bool = True) -> str:
    """Store a positive entry for the token in both levels; return its key."""
    cache = default_cache()
    key = cache.token_key(raw)
    cache.put(key, verified(remote_id, sequenced=sequenced), shared_ttl=60, local_ttl=60)
    return key


def shared(key: str) -> Entry:
    """Return the entry Redis holds for `key` (it must hold one)."""
    entry = default_cache().get_shared(key)
    assert entry is not None
    return entry


def ttl(key: str) -> int:
    """Return the seconds Redis keeps `key` (django-redis' ttl)."""
    seconds: int = cast(Any, caches["default"]).ttl(key)
    return seconds
