"""Revocation marks: "not before" a revocation number, per user and for everyone.

Marks are numbered by one shared counter, not timed: a positive entry carries the counter read when
its verification started, and a mark with a higher number revokes it. No two hosts' clocks are
ever compared. This class owns the marks' keys and their numbering; each process keeps a copy of
the marks it read for LOCAL_CACHE_TTL (core.invalidation drops it at once on a broadcast).
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .batch import Batch, Pending
from .entries import Entry, Verified
from .localcache import LocalTTLCache
from .state import SharedState

EVERYONE = "*"
# A mark must outlive every entry it invalidates (those live max(POSITIVE_TTL, GRACE) seconds).
MARK_TTL = 24 * 3600
# The marks this context made while mirroring a user (see RevocationMarks.sequence_after).
_own_marks: ContextVar[list[int] | None] = ContextVar("remote_auth_own_marks", default=None)


@dataclass(frozen=True)
class Mark:
    """A mark: its number in the shared sequence, and this service's clock when the last
    revocation among them was received (0.0 when the marks only refreshed changed users)."""

    seq: int
    at: float

    def revokes(self, entry: Entry) -> bool:
        """Return True for a positive entry whose verification started before this mark."""
        return isinstance(entry, Verified) and entry.seq < self.seq

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at}

    @classmethod
    def from_dict(cls, value: Any) -> "Mark | None":
        """Return the Mark stored as `value` by `to_dict`, None for anything else."""
        if isinstance(value, dict) and isinstance(value.get("seq"), int):
            return cls(value["seq"], float(value.get("at", 0.0)))
        return None


def loaded(values: Iterable[Any]) -> list[Mark]:
    """Return the marks among stored values."""
    return [mark for mark in map(Mark.from_dict, values) if mark is not None]


class RevocationMarks:
    """Number, store and read the revocation marks of one auth server's namespace."""

    def __init__(
        self,
        state: SharedState,
        *,
        local_ttl: float,
        local_size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state
        self.local_ttl = local_ttl
        self._copies = LocalTTLCache(local_size, clock=clock)
        self.seq_key = state.key("nbfseq", "revocations")

    def keys(self, remote_id: str) -> list[str]:
        """Return the keys of the marks that apply to one user (everyone's first)."""
        everyone = self.state.key("nbf", EVERYONE)
        return [everyone] + ([self.state.key("nbf", remote_id)] if remote_id else [])

    def sequence(self) -> int:
        """Return the current revocation number, starting the sequence when there is none."""
        shared = self.state.shared
        value = shared.get(self.seq_key)
        if not isinstance(value, int):
            # A lost counter restarts above every number it handed out (unless revocations ever
            # outpaced one per millisecond), so in-process copies of old marks stay below it.
            shared.add(self.seq_key, int(time.time() * 1000), MARK_TTL)
            value = shared.get(self.seq_key)
        return value if isinstance(value, int) else 0

    def read_sequence(self, batch: Batch) -> Pending:
        """Queue the read of the current revocation number on `batch` (see `sequence_of`)."""
        return batch.get(self.seq_key)

    def sequence_of(self, read: Pending) -> int:
        """Return the revocation number `read_sequence` read, starting the sequence if none."""
        return read.value if isinstance(read.value, int) else self.sequence()

    def mark(self, remote_id: str, *, revocation: bool = True) -> Mark:
        """Store and return a new mark for one user, or for everyone (`EVERYONE`).

        Every mark makes older cached answers re-verify; only a `revocation` also refuses tokens
        issued before it where no auth server is asked (degraded verification).
        """
        shared, key = self.state.shared, self.state.key("nbf", remote_id)
        self.sequence()  # starts the sequence when there is none
        previous = Mark.from_dict(shared.get(key))
        at = time.time() if revocation else (previous.at if previous else 0.0)
        mark = Mark(shared.incr(self.seq_key) or int(time.time() * 1000), at)
        shared.set(key, mark.to_dict(), MARK_TTL)
        own = _own_marks.get()
        if own is not None:
            own.append(mark.seq)
        return mark

    @contextmanager
    def own(self) -> Iterator[list[int]]:
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

    def read(self, remote_id: str) -> list[Mark]:
        """Return the stored marks that apply to one user, straight from the shared cache."""
        return loaded(self.state.shared.get_many(self.keys(remote_id)).values())

    def of(self, remote_id: str) -> list[Mark]:
        """Return the marks of a user and of everyone, read once per `local_ttl` in this process.

        Revocations are broadcast (core.invalidation drops these copies at once), so a shared
        cache hit usually costs one round trip, not two.
        """
        marks: list[Mark] | None = self._copies.get(remote_id)
        if marks is None:
            marks = self.read(remote_id)
            self._copies.set(remote_id, marks, self.local_ttl)
        return marks

    def revoked(self, entry: Entry) -> bool:
        """Return True when a positive entry's verification started before a mark of its user or
        of everyone (compared by revocation number, never by clock)."""
        return isinstance(entry, Verified) and any(
            m.revokes(entry) for m in self.of(entry.remote_id)
        )

    def received_after(self, remote_id: str, at: float) -> bool:
        """Return True when a revocation of the user (or everyone) was received at or after `at`."""
        return any(at <= mark.at for mark in self.of(remote_id))

    def forget_local(self, remote_id: str | None = None) -> None:
        """Drop this process's copy of one user's marks, or of everyone's (None)."""
        if remote_id is None:
            self._copies.clear()
        else:
            self._copies.delete(remote_id)
