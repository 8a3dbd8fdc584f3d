"""Revocation: make cached verifications stop working on every instance.

A token is revoked by replacing its entry with a rejection that lives as long as the token; a user
(or everyone) by a "not before" mark (core.marks) that every shared-cache read checks. Each revocation is also
broadcast so other processes drop their in-process copies at once; their short local TTL bounds it
when the broadcast is missed.
"""

import time

from .entries import Rejection
from .invalidation import broadcast
from .marks import EVERYONE, MARK_TTL
from .tokens import expiry, unverified_claims
from .wiring import default_cache, default_marks


def revoke_token(token: str, *, reason: str = "revoked") -> None:
    """Make `token` answer 401 everywhere until it expires.

    Nothing is kept past the token's `exp`, and nothing at all for a token without one: junk
    Bearer values store nothing, and such a token is forgotten here (the auth server decides).
    """
    cache = default_cache()
    key = cache.token_key(token)
    exp = expiry(unverified_claims(token))
    ttl = min(exp - time.time(), MARK_TTL) if exp else 0.0
    cache.evict(key)
    if ttl >= 1:
        cache.put(key, Rejection(401, reason, exp), shared_ttl=ttl, local_ttl=ttl)
    broadcast(cache, "token", key)


def forget_token(token: str) -> None:
    """Drop every cached verification of `token`: the next request asks the auth server again."""
    cache = default_cache()
    key = cache.token_key(token)
    cache.evict(key)
    broadcast(cache, "token", key)


def revoke_user(remote_id: str, *, revocation: bool = True) -> None:
    """Invalidate every cached verification of one remote user; the next request re-verifies.

    `revocation=False` when only the user's local record changed: degraded verification (which
    reads that record afresh) then still accepts the user's tokens.
    """
    cache = default_cache()
    default_marks().mark(remote_id, revocation=revocation)
    cache.evict_local_user(remote_id)
    broadcast(cache, "user", remote_id)


def revoke_all() -> None:
    """Invalidate every cached verification for the configured auth server."""
    cache = default_cache()
    default_marks().mark(EVERYONE)
    cache.clear_local()
    broadcast(cache, "all", EVERYONE)
