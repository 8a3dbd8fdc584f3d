"""Verification: answer "whose token is this?" from the cache, or once from the auth server.

cache (in-process → shared) ─hit→ Verification(source=memory|redis)
  └─miss→ screen: not the auth server's token → Rejected, remembered in-process only
  └─miss→ single-flight → breaker → budget (and the client's share) → client.me → mirror → store
             └─ rejected: negative entry stored, Rejected raised
             └─ mirroring refused (UserDenied): negative entry stored, replayed as UserDenied
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
from .exceptions import CouldNotVouch, Rejected, UserDenied
from .identity import Identity
from .singleflight import SingleFlight
from .tokens import NotServerToken, ServerTokenFormat
from .upstream import Upstream

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
        screen: ServerTokenFormat | None = None,
        denylist: Denylist | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client, self.cache, self.policy = client, cache, policy
        self.flight, self.upstream = flight, Upstream(breaker, budget)
        self.degraded, self.screen, self.denylist = degraded, screen, denylist
        self.clock = clock

    @property
    def breaker(self) -> CircuitBreaker:
        """Return the circuit breaker every call to the auth server goes through."""
        return self.upstream.breaker

    @property
    def budget(self) -> UpstreamBudget:
        """Return the upstream budget every call to the auth server spends from."""
        return self.upstream.budget

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

    def verify(
        self, token: str, mirror: Mirror, *, exp: int | None = None, client: str | None = None
    ) -> Verification:
        """Return the Verification of `token`; raise Rejected, Unavailable, BadResponse, or
        ShareSpent when `client` spent its share of the budget."""
        key = self.cache.token_key(token)
        local = self._recall(key)
        if local is not None:
            return local
        self._screen(token, key)
        try:
            found = self._shared(key, exp)
            if found is not None:
                return self._answer(*found)
            self.breaker.check_open()  # while open, answer at once: no lease, no polling
            entry, source = self.flight.run(
                key,
                lambda: self._ask(token, key, exp, mirror, client),
                lambda: self._shared(key, exp),
            )
        except CouldNotVouch as exc:
            return self._fallback(token, key, exc)
        return self._answer(entry, source)

    def _screen(self, token: str, key: str) -> None:
        """Refuse a token the auth server cannot have issued; remember it in this process only."""
        if self.screen is None:
            return
        try:
            self.screen.check(token)
        except NotServerToken as exc:
            entry = {"kind": "rejected", "status": 401, "code": "not_a_server_token"}
            self.cache.local.set(key, entry, self.policy.negative_ttl)
            raise Rejected(f"refused locally: {exc}", status=401) from exc

    def _shared(self, key: str, exp: int | None) -> tuple[Entry, str] | None:
        entry = self.cache.get_shared(key)
        if entry is None or self.revoked(entry):
            return None
        if entry["kind"] == "ok" and not self._fresh(entry):
            return None
        self.cache.local.set(key, entry, self._local_ttl(entry))
        return entry, "redis"

    def _ask(
        self, token: str, key: str, exp: int | None, mirror: Mirror, client: str | None
    ) -> tuple[Entry, str]:
        seq = self.cache.sequence()  # revocations numbered above this one win over this answer
        try:
            identity = self.upstream.call(
                lambda: self.client.me(token, expires_at=exp), client=client
            )
        except Rejected as exc:
            self._store_rejection(key, exc, exp)
            raise
        if self._denied(token, identity.remote_id):
            refused = Rejected("revoked here", status=401, code="revoked")
            self._store_rejection(key, refused, exp)
            raise refused
        try:
            with self.cache.own_marks() as own:
                user = mirror(identity)
        except UserDenied:
            self._store_negative(key, {"kind": "denied", "remote_id": identity.remote_id}, exp)
            raise
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
        self._store_negative(key, {"kind": "rejected", "status": exc.status, "code": exc.code}, exp)

    def _store_negative(self, key: str, entry: Entry, exp: int | None) -> None:
        ttl = min(self.policy.negative_ttl, max(1.0, self._life(exp, self.clock())))
        self.cache.put(
            key, {**entry, "exp": exp}, shared_ttl=ttl, local_ttl=min(ttl, self.policy.local_ttl)
        )

    def _answer(self, entry: Entry, source: str) -> Verification:
        if entry["kind"] == "denied":
            raise UserDenied("cached refusal: provisioning refused this user")
        if entry["kind"] != "ok":
            raise Rejected("cached rejection", status=entry["status"], code=entry["code"])
        identity = Identity.from_dict(entry["identity"])
        return Verification(identity, entry["user"], source, entry["verified_at"])

    def _fallback(self, token: str, key: str, exc: CouldNotVouch) -> Verification:
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
