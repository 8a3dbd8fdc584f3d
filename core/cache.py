"""The verification cache: in-process first, then the shared Django cache (Redis in production).

Keys are `prefix : namespace : tok : keyed hash of the whole token` (core.state names the rest).
The in-process level holds the typed entries themselves (core.entries); the shared level their
dicts. A shared-cache outage is never raised: see core.safecache. A positive entry is stored only
while no revocation mark (core.marks) numbered after its verification's start exists, in one
atomic step (one Lua script, with the single-flight lease's release, while no mark at all was
made since; WATCH/MULTI otherwise).
"""

from typing import Any

from .entries import Entry, Verified, entry_from_dict
from .localcache import LocalTTLCache
from .marks import RevocationMarks, loaded
from .singleflight import Lease
from .state import SharedState
from .tokens import KeyedHash


class VerificationCache:
    """Store verification entries for tokens, keyed by a keyed hash, in two levels."""

    def __init__(
        self,
        state: SharedState,
        local: LocalTTLCache,
        *,
        marks: RevocationMarks,
        hash_key: bytes,
    ) -> None:
        self.state = state
        self.marks = marks
        self._shared = state.shared
        self._local = local
        self._prefix = f"{state.base}:tok:"
        self._hash = KeyedHash(hash_key)

    def token_key(self, token: str) -> str:
        """Return the cache key of a token: the prefix, the namespace and a keyed hash."""
        return self._prefix + self._hash(token)

    def get_local(self, key: str) -> Entry | None:
        """Return this process's entry for `key`, or None."""
        entry: Entry | None = self._local.get(key)
        return entry

    def get_shared(self, key: str) -> Entry | None:
        """Return the shared entry for `key`, or None on a miss, a cache error or garbage."""
        return entry_from_dict(self._shared.get(key))

    def remember(self, key: str, entry: Entry, ttl: float) -> None:
        """Keep `entry` in this process only, for `ttl` seconds."""
        self._local.set(key, entry, ttl)

    def put(self, key: str, entry: Entry, *, shared_ttl: float, local_ttl: float) -> None:
        """Store `entry` in both levels for their own TTLs (nothing is stored for a TTL ≤ 0)."""
        if shared_ttl >= 1:
            # Without Redis, no other process can be told of a revocation: keep it only as long
            # as the in-process level would.
            fallback_ttl = max(1, int(min(local_ttl, shared_ttl)))
            self._shared.set(key, entry.to_dict(), int(shared_ttl), fallback_timeout=fallback_ttl)
        else:
            self._shared.delete(key)
        self._local.set(key, entry, min(local_ttl, shared_ttl))

    def put_unless_revoked(
        self,
        key: str,
        entry: Verified,
        *,
        shared_ttl: float,
        local_ttl: float,
        lease: Lease | None = None,
    ) -> bool:
        """Store a positive entry unless its token or user was revoked since `entry.seq`.

        Checked and stored in one atomic step; return False (nothing stored) when refused. The
        common case is one round trip that also gives up the single-flight `lease`: no entry
        for the token yet, and no mark at all numbered since (the sequence has not moved).
        """
        if shared_ttl < 1:
            self.evict(key)  # too close to expiry to keep
            return True
        # In-process first: a revocation broadcast that follows the shared store then finds it.
        self._local.set(key, entry, min(local_ttl, shared_ttl))
        if self._shared.set_if_unmoved(
            key,
            entry.to_dict(),
            int(shared_ttl),
            counter=self.marks.seq_key,
            expected=entry.seq,
            release=(lease.key, lease.value) if lease else None,
        ):
            if lease is not None:
                lease.released = True
            return True
        stored = self._shared.set_unless(
            key,
            entry.to_dict(),
            int(shared_ttl),
            watch=[key, *self.marks.keys(entry.remote_id)],
            refuse=lambda current: _revoked_since(current.pop(key, None), current, entry),
            fallback_timeout=max(1, int(min(local_ttl, shared_ttl))),
        )
        if not stored:
            self._local.delete(key)
        return stored

    def evict(self, key: str) -> None:
        """Forget `key` in both levels."""
        self._local.delete(key)
        self._shared.delete(key)

    def evict_local(self, key: str) -> None:
        """Forget `key` in this process only."""
        self._local.delete(key)

    def evict_local_user(self, remote_id: str) -> int:
        """Drop this process's entries and revocation marks of one user; return how many entries."""
        self.marks.forget_local(remote_id)
        return self._local.discard_where(lambda entry: entry.remote_id == remote_id)

    def __len__(self) -> int:
        """Return how many entries this process holds."""
        return len(self._local)

    def clear_local_entries(self) -> None:
        """Drop this process's entries, keeping its copies of revocation marks."""
        self._local.clear()

    def clear_local(self) -> None:
        """Drop everything this process holds: entries and revocation marks."""
        self.clear_local_entries()
        self.marks.forget_local()


def _revoked_since(current: Any, marks: dict[str, Any], entry: Verified) -> bool:
    """Return True when a rejection replaced the token's entry, or a newer mark revokes `entry`."""
    if isinstance(current, dict) and current.get("kind") != Verified.kind:
        return True
    return any(mark.revokes(entry) for mark in loaded(marks.values()))
