"""Known users: what a user's last mirroring left, so a new token of theirs needs no database.

Per user of one auth server (keys `prefix : namespace : known : remote id`), the shared cache keeps
the identity's digest, the user's snapshot, the revocation number the mirroring started at
(core.marks) and the denylist epoch and user revocation its database check saw (core.denylist).
A snapshot answers only while all of that still holds, read in one round trip with the user's
marks and the epoch, never from an in-process copy:

    a mark numbered after it (any local change of the user or its link: core.receivers; a revocation)
    a durable revocation since (the epoch moved)
    another identity (the digest differs: e-mail, names, organization, role, products, licenses)
    another mirroring policy (the digest covers it)                    → the database decides again

A change no signal announces (`QuerySet.update()`, raw SQL) is seen after KNOWN_USER_TTL, or at once
after `core.revocation.revoke_user` (`manage.py authcache flush --user`).
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .denylist import Denylist, Standing
from .identity import Identity
from .marks import RevocationMarks, loaded
from .state import SharedState


@dataclass(frozen=True)
class KnownUser:
    """What the last mirroring of a user left: its digest, snapshot and what it was checked at."""

    digest: str
    user: dict[str, Any]
    seq: int
    epoch: int
    not_before: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "user": self.user,
            "seq": self.seq,
            "epoch": self.epoch,
            "not_before": self.not_before,
        }

    @classmethod
    def from_dict(cls, value: Any) -> "KnownUser | None":
        """Return the KnownUser stored as `value` by `to_dict`, None for anything else."""
        try:
            return cls(
                str(value["digest"]),
                dict(value["user"]),
                int(value["seq"]),
                int(value["epoch"]),
                None if value["not_before"] is None else float(value["not_before"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Lookup:
    """A user's snapshot when it still answers (`known`), and what a new one must record."""

    known: KnownUser | None
    digest: str
    epoch: int | None


class KnownUsers:
    """Keep and check the snapshots of known users of one auth server's namespace."""

    def __init__(
        self,
        state: SharedState,
        *,
        marks: RevocationMarks,
        denylist: Denylist,
        policy: str,
        ttl: float,
    ) -> None:
        self.state, self.marks, self.denylist = state, marks, denylist
        self.policy = policy
        self.ttl = ttl

    def key(self, remote_id: str) -> str:
        """Return the shared-cache key of one user's snapshot."""
        return self.state.key("known", remote_id)

    def look(self, identity: Identity) -> Lookup:
        """Return the user's snapshot if it still answers for `identity`, in one round trip."""
        digest = self.digest(identity)
        shared, key = self.state.shared, self.key(identity.remote_id)
        if shared.down or self.ttl < 1:
            return Lookup(None, digest, None)  # alone in this process: the database decides
        mark_keys = self.marks.keys(identity.remote_id)
        values = shared.get_many([key, self.denylist.epoch_key, *mark_keys])
        epoch = values.get(self.denylist.epoch_key)
        if not isinstance(epoch, int) or shared.down:
            return Lookup(None, digest, self.denylist.epoch())
        known = KnownUser.from_dict(values.get(key))
        marks = loaded(values[name] for name in mark_keys if name in values)
        if known is None or known.digest != digest or known.epoch != epoch:
            return Lookup(None, digest, epoch)
        if any(mark.seq > known.seq for mark in marks):
            return Lookup(None, digest, epoch)
        return Lookup(known, digest, epoch)

    def remember(
        self, remote_id: str, lookup: Lookup, user: dict[str, Any], seq: int, standing: Standing
    ) -> None:
        """Keep the snapshot a mirroring that started at `seq` (and `lookup`) left."""
        if lookup.epoch is None or self.ttl < 1 or self.state.shared.down:
            return
        known = KnownUser(lookup.digest, user, seq, lookup.epoch, standing.not_before)
        self.state.shared.set(self.key(remote_id), known.to_dict(), int(self.ttl))

    def digest(self, identity: Identity) -> str:
        """Return the digest of what mirroring reads: the identity (not its expiry), the policy."""
        fields = {**identity.to_dict(), "expires_at": None, "policy": self.policy}
        encoded = json.dumps(fields, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]
