"""The verification cache: in-process first, then the shared Django cache (Redis in production).

Keys are `prefix : namespace : kind : HMAC(whole token)`. The namespace is derived from the auth
server's URL, so pointing SaaS Admin at another auth server never serves the old server's answers.
A shared-cache error is a miss: it is logged and never raised.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache

from .localcache import LocalTTLCache
from .tokens import keyed_hash

logger = logging.getLogger(__name__)
Entry = dict[str, Any]


def namespace_for(base_url: str) -> str:
    """Return a short stable name for an auth server URL (scheme, host and port, lower-cased)."""
    return hashlib.sha256(base_url.strip().rstrip("/").lower().encode()).hexdigest()[:16]


class VerificationCache:
    """Store verification entries for tokens, keyed by HMAC, in two levels."""

    def __init__(
        self,
        shared: BaseCache,
        local: LocalTTLCache,
        *,
        prefix: str,
        base_url: str,
        hash_key: bytes,
    ) -> None:
        self.shared = shared
        self.local = local
        self.hash_key = hash_key
        self.prefix = prefix
        self.base = f"{prefix}:{namespace_for(base_url)}"

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
        entry = self.safe(self.shared.get, key)
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: Entry, *, shared_ttl: float, local_ttl: float) -> None:
        """Store `entry` in both levels for their own TTLs (nothing is stored for a TTL ≤ 0)."""
        if shared_ttl >= 1:
            self.safe(self.shared.set, key, entry, int(shared_ttl))
        else:
            self.safe(self.shared.delete, key)
        self.local.set(key, entry, min(local_ttl, shared_ttl))

    def evict(self, key: str) -> None:
        """Forget `key` in both levels."""
        self.local.delete(key)
        self.safe(self.shared.delete, key)

    def evict_local_user(self, remote_id: str) -> int:
        """Drop this process's entries of one user; return how many."""
        return self.local.discard_where(lambda entry: entry.get("remote_id") == remote_id)

    def safe(self, operation: Callable[..., Any], *args: Any) -> Any:
        """Run a shared-cache operation; on any error log it and return None."""
        try:
            return operation(*args)
        except Exception as exc:  # any cache backend error is a miss, never a 500
            logger.warning("shared cache unavailable: %s", type(exc).__name__)
            return None
