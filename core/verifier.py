"""Verification: answer "whose token is this?" from the cache, or once from the auth server.

cache (in-process → shared) ─hit→ Verification(source=memory|redis)
  └─miss→ single-flight → breaker → budget → client.me → mirror → store → source=remote
             └─ rejected: negative entry stored, Rejected raised
             └─ unavailable / bad response: grace (bounded, opt-in) → degraded (opt-in) → raised
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .breaker import CircuitBreaker
from .budget import UpstreamBudget
from .cache import Entry, Mark, VerificationCache
from .client import AuthServiceClient
from .denylist import Denylist
from .exceptions import BadResponse, Rejected, Unavailable
from .identity import Identity
from .singleflight import SingleFlight

Mirror = Callable[[Identity], dict[str, Any]]


@dataclass(frozen=True)
class Verification:
    """A verified token: its Identity, the cached user snapshot, and where the answer came from."""

    identity: Identity
    user: dict[str, Any] | None
    source: str  # memory | redis | remote | grace | degraded
    verified_at: float


@dataclass(frozen=True)
class Policy:
    """How long answers are trusted, in seconds."""

    positive_ttl: float
    negative_ttl: float
    local_ttl: float
    exp_skew: float
    grace: float


class Verifier:
    """Turn a token into a Verification, asking the auth server only when nothing cached will do."""

    def __init__(
        self,
        client: AuthServiceClient,
        cache: VerificationCache,
        *,
        policy: Policy,
        flight: SingleFlight,
        breaker: CircuitBreaker,
        budget: UpstreamBudget,
        degraded: Callable[[str], Verification | None] | None = None,
        denylist: Denylist | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client, self.cache, self.policy = client, cache, policy
        self.flight, self.breaker, self.budget = flight, breaker, budget
        self.degraded, self.denylist = degraded, denylist
        self.clock = clock

    def recall(self, token: str) -> Verification | None:
        """Return this process's cached Verification of `token`, None on a miss; raise Rejected.

        The in-process level only ever holds remote tokens, each for less than its life, so a hit
        needs neither the token's claims nor any I/O.
        """
        return self._recall(self.cache.token_key(token))

    def _recall(self, key: str) -> Verification | None:
        entry = self.cache.get_local(key)
        if entry is None:
            return None
        memo: Verification | None = entry.get("memo")
        if memo is None:
            memo = entry["memo"] = self._answer(entry, "memory")
        return memo

    def verify(self, token: str, mirror: Mirror, *, exp: int | None = None) -> Verification:
        """Return the Verification of `token`; raise Rejected, Unavailable or BadResponse."""
        key = self.cache.token_key(token)
        local = self._recall(key)
        if local is not None:
            return local
        try:
            found = self._shared(key, exp)
            if found is not None:
                return self._answer(*found)
            self.breaker.check_open()  # while open, answer at once: no lease, no polling
            entry, source = self.flight.run(
                key, lambda: self._ask(token, key, exp, mirror), lambda: self._shared(key, exp)
            )
        except (Unavailable, BadResponse) as exc:
            return self._fallback(token, key, exc)
        return self._answer(entry, source)

    def _shared(self, key: str, exp: int | None) -> tuple[Entry, str] | None:
        entry = self.cache.get_shared(key)
        if entry is None or self.revoked(entry):
            return None
        if entry["kind"] == "ok" and not self._fresh(entry):
            return None
        self.cache.local.set(key, entry, self._local_ttl(entry))
        return entry, "redis"

    def _ask(self, token: str, key: str, exp: int | None, mirror: Mirror) -> tuple[Entry, str]:
        self.breaker.before_call()
        try:
            self.budget.spend()
        except Unavailable:
            self.breaker.release_probe()  # a probe that never went out must not block the next
            raise
        seq = self.cache.sequence()  # revocations numbered above this one win over this answer
        try:
            identity = self.client.me(token, expires_at=exp)
        except Rejected as exc:
            self.breaker.record_success()
            self._store_rejection(key, exc, exp)
            raise
        except Unavailable as exc:
            self.breaker.record_failure(exc.retry_after, rate_limited=exc.status == 429)
            raise
        except BadResponse:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        if self._denied(token, identity.remote_id):
            refused = Rejected("revoked here", status=401, code="revoked")
            self._store_rejection(key, refused, exp)
            raise refused
        with self.cache.own_marks() as own:
            user = mirror(identity)
        entry = self._store_identity(key, identity, user, exp, self.cache.sequence_after(seq, own))
        return entry, "remote"

    def _store_identity(
        self, key: str, identity: Identity, user: dict[str, Any], exp: int | None, seq: int
    ) -> Entry:
        """Store and return the positive entry; raise Rejected when a revocation came first."""
        now = self.clock()
        entry = {
            "kind": "ok",
            "identity": identity.to_dict(),
            "user": user,
            "remote_id": identity.remote_id,
            "verified_at": now,
            "seq": seq,
            "exp": exp,
        }
        life = self._life(exp, now)
        # Kept while it may still serve: fresh for POSITIVE_TTL, or as grace up to GRACE_SECONDS
        # after this verification (the grace never counts from a later cache hit).
        shared_ttl = min(max(self.policy.positive_ttl, self.policy.grace), life)
        local_ttl = self._local_ttl(entry)
        if not self.cache.put_unless_revoked(
            key, entry, shared_ttl=shared_ttl, local_ttl=local_ttl
        ):
            raise Rejected("revoked during verification", status=401, code="revoked")
        return entry

    def _store_rejection(self, key: str, exc: Rejected, exp: int | None) -> None:
        entry = {"kind": "rejected", "status": exc.status, "code": exc.code, "exp": exp}
        ttl = min(self.policy.negative_ttl, max(1.0, self._life(exp, self.clock())))
        self.cache.put(key, entry, shared_ttl=ttl, local_ttl=min(ttl, self.policy.local_ttl))

    def _answer(self, entry: Entry, source: str) -> Verification:
        if entry["kind"] != "ok":
            raise Rejected("cached rejection", status=entry["status"], code=entry["code"])
        identity = Identity.from_dict(entry["identity"])
        return Verification(identity, entry["user"], source, entry["verified_at"])

    def _fallback(self, token: str, key: str, exc: Unavailable | BadResponse) -> Verification:
        entry = self.cache.get_shared(key) or self.cache.get_local(key)
        if entry and entry["kind"] == "ok" and self._within_grace(entry):
            return self._answer(entry, "grace")
        degraded = self.degraded(token) if self.degraded else None
        if (
            degraded is not None
            and not self._revoked_after(degraded)
            and not self._denied(token, degraded.identity.remote_id)
        ):
            return degraded
        raise exc

    def _within_grace(self, entry: Entry) -> bool:
        now = self.clock()
        exp = entry.get("exp")
        return (
            self.policy.grace > 0
            and now - entry["verified_at"] <= self.policy.grace
            and (exp is None or now < exp)
            and not self.revoked(entry)
        )

    def revoked(self, entry: Entry) -> bool:
        """Return True when a positive entry's verification started before a revocation of its
        user or of every token (compared by revocation number, never by clock)."""
        marks = self._marks(str(entry.get("remote_id") or ""))
        return any(mark.revokes(entry) for mark in marks)

    def _denied(self, token: str, remote_id: str) -> bool:
        """Return True when a durable revocation (database) refuses the token or its user."""
        return self.denylist is not None and self.denylist.refuses(token, remote_id)

    def _revoked_after(self, degraded: Verification) -> bool:
        """Return True when a token checked only locally was issued before a revocation.

        Its `iat` (the auth server's clock) meets our clock at receipt: the one comparison of two
        hosts' clocks left, and only while the auth server is down and degraded mode is on.
        """
        marks = self._marks(degraded.identity.remote_id)
        return any(degraded.verified_at <= mark.at for mark in marks)

    def _marks(self, remote_id: str) -> list[Mark]:
        """Return the revocation marks of a user and of everyone, read once per LOCAL_CACHE_TTL.

        Revocations are broadcast (core.invalidation drops these copies at once), so a shared
        cache hit usually costs one round trip, not two.
        """
        marks: list[Mark] | None = self.cache.marks.get(remote_id)
        if marks is None:
            marks = self.cache.read_marks(remote_id)
            self.cache.marks.set(remote_id, marks, self.policy.local_ttl)
        return marks

    def _fresh(self, entry: Entry) -> bool:
        now = self.clock()
        return (
            now - entry["verified_at"] < self.policy.positive_ttl
            and self._life(entry.get("exp"), now) > 0
        )

    def _life(self, exp: int | None, now: float) -> float:
        if exp is None:
            return self.policy.positive_ttl
        return float(exp - now - self.policy.exp_skew)

    def _local_ttl(self, entry: Entry) -> float:
        if entry["kind"] != "ok":
            return min(self.policy.local_ttl, self.policy.negative_ttl)
        now = self.clock()
        fresh_for = self.policy.positive_ttl - (now - float(entry["verified_at"]))
        return min(self.policy.local_ttl, fresh_for, self._life(entry.get("exp"), now))
