"""The verification cache: in-process first, then the shared Django cache (Redis in production).

Keys are `prefix : namespace : kind : HMAC(whole token)`. The namespace is derived from the auth
server's operator name (AUTH_ISSUER_ID), never its URL: another auth server never gets the old one's
answers, and one server reached under two URLs (directly, through a tunnel) shares one namespace.
A shared-cache outage is never raised: see core.safecache.
"""

import hashlib
from typing import Any

from django.core.cache import BaseCache

from .localcache import LocalTTLCache
from .safecache import SafeCache
from .tokens import keyed_hash

Entry = dict[str, Any]


def namespace_for(issuer: str) -> str:
    """Return a short stable name for an auth server's issuer id."""
    return hashlib.sha256(issuer.strip().encode()).hexdigest()[:16]


class VerificationCache:
    """Store verification entries for tokens, keyed by HMAC, in two levels."""

    def __init__(
        self,
        shared: BaseCache | SafeCache,
        local: LocalTTLCache,
        *,
        prefix: str,
        issuer: str,
        hash_key: bytes,
    ) -> None:
        self.shared = shared if isinstance(shared, SafeCache) else SafeCache(shared)
        self.local = local
        # Revocation marks read from the shared cache, per remote user id (see Verifier.revoked).
        self.marks = LocalTTLCache(local.max_size, clock=local.clock)
        self.hash_key = hash_key
        self.prefix = prefix
        self.base = f"{prefix}:{namespace_for(issuer)}"

    def token_key(self, token: str) -> str:
        """Return the cache key of a token: the prefix, the namespace and a keyed hash."""
        return f"{self.base}:tok:{keyed_hash(token, self.hash_key)}"

    def key(self, kind: str, name: str) -> str:
        """Return the key of another piece of shared state (lease, breaker, budget, user)."""
        return f"{self.base}:{kind}:{name}"

    def get_local(self, key: str) -> Entry | None:
        """Return the in-process entry for `key`, or None."""
        entry: Entry | None = self.local.get(key)
        return entry

    def get_shared(self, key: str) -> Entry | None:
        """Return the shared entry for `key`, or None on a miss or a cache error."""
        entry = self.shared.get(key)
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: Entry, *, shared_ttl: float, local_ttl: float) -> None:
        """Store `entry` in both levels for their own TTLs (nothing is stored for a TTL ≤ 0)."""
        if shared_ttl >= 1:
            # Without Redis, no other process can be told of a revocation: keep it only as long
            # as the in-process level would.
            fallback_ttl = max(1, int(min(local_ttl, shared_ttl)))
            self.shared.set(key, entry, int(shared_ttl), fallback_timeout=fallback_ttl)
        else:
            self.shared.delete(key)
        self.local.set(key, entry, min(local_ttl, shared_ttl))

    def evict(self, key: str) -> None:
        """Forget `key` in both levels."""
        self.local.delete(key)
        self.shared.delete(key)

    def evict_local_user(self, remote_id: str) -> int:
        """Drop this process's entries and revocation marks of one user; return how many entries."""
        self.marks.delete(remote_id)
        return self.local.discard_where(lambda entry: entry.get("remote_id") == remote_id)

    def clear_local(self) -> None:
        """Drop everything this process holds: entries and revocation marks."""
        self.local.clear()
        self.marks.clear()
