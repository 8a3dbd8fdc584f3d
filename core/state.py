"""Shared state: the safe shared-cache handle and the naming of its keys.

Every collaborator that coordinates processes (breaker, budget, single-flight, signing, denylist,
revocation marks, the verification cache) is given this object, never more. Keys are
`prefix : namespace : kind : name`; the namespace derives from the auth server's operator name
(AUTH_ISSUER_ID), never its URL: another auth server never gets the old one's answers, and one
server reached under two URLs (directly, through a tunnel) shares one namespace. A shared-cache
outage is never raised: see core.safecache.
"""

import hashlib

from django.core.cache import BaseCache

from .safecache import SafeCache


def namespace_for(issuer: str) -> str:
    """Return a short stable name for an auth server's issuer id."""
    return hashlib.sha256(issuer.strip().encode()).hexdigest()[:16]


class SharedState:
    """The shared cache (outages absorbed) and the keys of one auth server's namespace."""

    def __init__(self, shared: BaseCache | SafeCache, *, prefix: str, issuer: str) -> None:
        self.shared = shared if isinstance(shared, SafeCache) else SafeCache(shared)
        self.prefix = prefix
        self.base = f"{prefix}:{namespace_for(issuer)}"

    def key(self, kind: str, name: str) -> str:
        """Return the shared-cache key of `name` of one `kind` in this namespace."""
        return f"{self.base}:{kind}:{name}"
