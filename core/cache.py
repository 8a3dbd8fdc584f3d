"""The verification cache: in-process first, then the shared Django cache (Redis in production).

Keys are `prefix : namespace : kind : HMAC(whole token)`. The namespace is derived from the auth
server's operator name (AUTH_ISSUER_ID), never its URL: another auth server never gets the old one's
answers, and one server reached under two URLs (directly, through a tunnel) shares one namespace.
A shared-cache outage is never raised: see core.safecache.

Revocation marks ("not before", per user and for everyone) are numbered by one shared counter, not
timed: a positive entry carries the counter read when its verification started, and a mark with a
higher number revokes it. No two hosts' clocks are ever compared.
"""

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.cache import BaseCache

from .localcache import LocalTTLCache
from .safecache import SafeCache
from .tokens import keyed_hash

Entry = dict[str, Any]
EVERYONE = "*"
# A mark must outlive every entry it invalidates (those live max(POSITIVE_TTL, GRACE) seconds).
MARK_TTL = 24 * 3600
# The marks this context made while mirroring a user (see VerificationCache.sequence_after).
_own_marks: ContextVar[list[int] | None] = ContextVar("remote_auth_own_marks", default=None)


@dataclass(frozen=True)
class Mark:
    """A mark: its number in the shared sequence, and this service's clock when the last
    revocation among them was received (0.0 when the marks only refreshed changed users)."""

    seq: int
    at: float

    def revokes(self, entry: Entry) -> bool:
        """Return True for a positive entry whose verification started before this mark."""
        return entry.get("kind", "ok") == "ok" and int(entry.get("seq", -1)) < self.seq

    @classmethod
    def load(cls, value: Any) -> "Mark | None":
        """Return the Mark stored as `value` by `VerificationCache.mark`, None for anything else."""
        if isinstance(value, dict) and isinstance(value.get("seq"), int):
            return cls(value["seq"], float(value.get("at", 0.0)))
        return None


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

    def mark_keys(self, remote_id: str) -> list[str]:
        """Return the keys of the revocation marks that apply to one user (everyone's first)."""
        return [self.key("nbf", EVERYONE)] + ([self.key("nbf", remote_id)] if remote_id else [])

    def sequence(self) -> int:
        """Return the current revocation number, starting the sequence when there is none."""
        seq_key = self.key("nbfseq", "revocations")
        value = self.shared.get(seq_key)
        if not isinstance(value, int):
            # A lost counter restarts above every number it handed out (unless revocations ever
            # outpaced one per millisecond), so in-process copies of old marks stay below it.
            self.shared.add(seq_key, int(time.time() * 1000), MARK_TTL)
            value = self.shared.get(seq_key)
        return value if isinstance(value, int) else 0

    def mark(self, remote_id: str, *, revocation: bool = True) -> Mark:
        """Store and return a new mark for one user, or for everyone (`EVERYONE`).

        Every mark makes older cached answers re-verify; only a `revocation` also refuses tokens
        issued before it where no auth server is asked (degraded verification).
        """
        seq_key, key = self.key("nbfseq", "revocations"), self.key("nbf", remote_id)
        self.sequence()  # starts the sequence when there is none
        previous = Mark.load(self.shared.get(key))
        at = time.time() if revocation else (previous.at if previous else 0.0)
        mark = Mark(self.shared.incr(seq_key) or int(time.time() * 1000), at)
        self.shared.set(key, {"seq": mark.seq, "at": mark.at}, MARK_TTL)
        own = _own_marks.get()
        if own is not None:
            own.append(mark.seq)
        return mark

    @contextmanager
    def own_marks(self) -> Iterator[list[int]]:
        """Collect the marks made in this context: a verification's own mirroring makes some."""
        own: list[int] = []
        token = _own_marks.set(own)
        try:
            yield own
        finally:
            _own_marks.reset(token)

    @staticmethod
    def sequence_after(seq: int, own: list[int]) -> int:
        """Return the revocation number a verification that started at `seq` may claim.

        Its own marks (the mirror saved the user) do not revoke it, provided they follow `seq`
        with no gap: a gap is someone else's revocation, which must win.
        """
        return seq + len(own) if own == list(range(seq + 1, seq + 1 + len(own))) else seq

    def read_marks(self, remote_id: str) -> list[Mark]:
        """Return the stored revocation marks that apply to one user."""
        values = self.shared.get_many(self.mark_keys(remote_id)).values()
        return [mark for mark in map(Mark.load, values) if mark is not None]

    def put_unless_revoked(
        self, key: str, entry: Entry, *, shared_ttl: float, local_ttl: float
    ) -> bool:
        """Store a positive entry unless its token or user was revoked since `entry["seq"]`.

        Checked and stored in one atomic step; return False (nothing stored) when refused.
        """
        if shared_ttl < 1:
            self.evict(key)  # too close to expiry to keep
            return True
        # In-process first: a revocation broadcast that follows the shared store then finds it.
        self.local.set(key, entry, min(local_ttl, shared_ttl))
        stored = self.shared.set_unless(
            key,
            entry,
            int(shared_ttl),
            watch=[key, *self.mark_keys(str(entry["remote_id"]))],
            refuse=lambda current: _revoked_since(current.pop(key, None), current, entry),
            fallback_timeout=max(1, int(min(local_ttl, shared_ttl))),
        )
        if not stored:
            self.local.delete(key)
        return stored

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


def _revoked_since(current: Any, marks: dict[str, Any], entry: Entry) -> bool:
    """Return True when a rejection replaced the token's entry, or a newer mark revokes `entry`."""
    if isinstance(current, dict) and current.get("kind") != "ok":
        return True
    return any(mark.revokes(entry) for mark in map(Mark.load, marks.values()) if mark)
