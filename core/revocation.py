"""Revocation: make cached verifications stop working on every instance.

A token is revoked by replacing its entry with a rejection that lives as long as the token; a user
(or everyone) by a "not before" mark that every shared-cache read checks. Each revocation is also
broadcast so other processes drop their in-process copies at once; their short local TTL bounds it
when the broadcast is missed.
"""

import time

from .defaults import default_cache
from .invalidation import broadcast
from .tokens import expiry, unverified_claims

# A mark must outlive every entry it invalidates (those live max(POSITIVE_TTL, GRACE) seconds).
MARK_TTL = 24 * 3600


def revoke_token(token: str, *, reason: str = "revoked") -> None:
    """Make `token` answer 401 everywhere until it expires."""
    cache = default_cache()
    key = cache.token_key(token)
    exp = expiry(unverified_claims(token))
    ttl = max(1.0, exp - time.time()) if exp else MARK_TTL
    entry = {"kind": "rejected", "status": 401, "code": reason, "exp": exp}
    cache.evict(key)
    cache.put(key, entry, shared_ttl=min(ttl, MARK_TTL), local_ttl=min(ttl, MARK_TTL))
    broadcast(cache, "token", key)


def revoke_user(remote_id: str) -> None:
    """Invalidate every cached verification of one remote user; the next request re-verifies."""
    cache = default_cache()
    cache.shared.set(cache.key("nbf", remote_id), time.time(), MARK_TTL)
    cache.evict_local_user(remote_id)
    broadcast(cache, "user", remote_id)


def revoke_all() -> None:
    """Invalidate every cached verification for the configured auth server."""
    cache = default_cache()
    cache.shared.set(cache.key("nbf", "*"), time.time(), MARK_TTL)
    cache.clear_local()
    broadcast(cache, "all", "*")
