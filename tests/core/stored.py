"""Helpers for tests that read and write the default verification cache as the verifier does."""

import time
from typing import Any, cast

from django.core.cache import caches

from core.defaults import default_cache


def verified(remote_id: str, at: float | None = None, *, sequenced: bool = True) -> dict[str, Any]:
    """Return a positive entry as the verifier stores it (unsequenced: no revocation counter read)."""
    entry = {
        "kind": "ok",
        "identity": {"remote_id": remote_id},
        "user": {"id": 1},
        "remote_id": remote_id,
        "verified_at": time.time() if at is None else at,
        "exp": None,
    }
    if sequenced:  # reading the counter starts it: a key of its own in Redis
        entry["seq"] = default_cache().sequence()  # as the verifier reads it when it starts
    return entry


def store(raw: str, remote_id: str = "u1", *, sequenced: bool = True) -> str:
    """Store a positive entry for the token in both levels; return its key."""
    cache = default_cache()
    key = cache.token_key(raw)
    cache.put(key, verified(remote_id, sequenced=sequenced), shared_ttl=60, local_ttl=60)
    return key


def shared(key: str) -> dict[str, Any]:
    """Return the entry Redis holds for `key` (it must hold one)."""
    entry = default_cache().get_shared(key)
    assert entry is not None
    return entry


def ttl(key: str) -> int:
    """Return the seconds Redis keeps `key` (django-redis' ttl)."""
    seconds: int = cast(Any, caches["default"]).ttl(key)
    return seconds
