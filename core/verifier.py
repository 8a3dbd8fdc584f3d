"""Verification: answer "whose token is this?" from the cache, or once from the auth server.

verify(token, claimed): keyed hash of the token, once; the in-process level, once
  └─hit→ Verification(source=memory), or the cached refusal raised
  └─miss→ claimed(): the token's `exp` and client, read only now (off the hot path)
  └─miss→ screen: not the auth server's token → Rejected, remembered in-process only
  └─miss→ shared cache ─hit→ Verification(source=redis)
  └─miss→ single-flight (lease, entry, breaker and budget in one round trip; breaker open and
           nothing stored: could not vouch at once, leading or waiting for no one)
             → [jwks/hybrid: signature check, forged → Rejected with no call]
             → identity: upstream gate (breaker, budget, client share) → client.me
               (jwks: from the verified claims instead)
             → known user, same identity, nothing revoked since (core.known) → store
             → else: denylist (database) → mirror (one transaction) → store
             └─ rejected: negative entry stored, Rejected raised
             └─ mirroring refused (UserDenied): negative entry stored, replayed as UserDenied
             └─ could not vouch: grace (bounded, opt-in) → degraded (opt-in) → raised
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .batch import Batch, Pending
from .cache import VerificationCache
from .client import AuthServiceClient
from .denylist import Denylist, Standing
from .entries import Denied, Entry, Rejection, Verification, Verified, entry_from_dict
from .exceptions import CouldNotVouch, Rejected, UserDenied
from .identity import Identity
from .known import KnownUsers
from .marks import RevocationMarks
from .signature import SignatureCheck
from .singleflight import Lease, SingleFlight
from .tokens import NotServerToken, ServerTokenFormat, fingerprint, issued_at
from .upstream import Gate, Upstream
from .vocabulary import Source

__all__ = ["Claimed", "Mirror", "Policy", "Verification", "Verifier"]

# Writes a vouched-for identity into the local user model; returns the user's snapshot.
Mirror = Callable[[Identity], dict[str, Any]]
Found = tuple[Entry, Source]


@dataclass(frozen=True)
class Claimed:
    """What a token claims that matters only when no cache answers: its `exp` (bounds every TTL)
    and the client sending it (whose share of the upstream budget a call spends)."""

    exp: int | None = None
    client: str | None = None


UNCLAIMED = Claimed()


@dataclass(frozen=True)
class Prelude:
    """What a leader read (and counted) with its lease, in one round trip."""

    entry: Pending
    seq: Pending
    gate: Gate | None


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
        marks: RevocationMarks,
        mirror: Mirror,
        policy: Policy,
        flight: SingleFlight,
        upstream: Upstream,
        degraded: Callable[[str], Verification | None] | None = None,
        screen: ServerTokenFormat | None = None,
        denylist: Denylist | None = None,
        signature: SignatureCheck | None = None,
        known: KnownUsers | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client, self.cache, self.marks, self.mirror = client, cache, marks, mirror
        self.policy, self.flight, self.upstream = policy, flight, upstream
        self.degraded, self.screen, self.denylist = degraded, screen, denylist
        self.signature, self.known = signature, known
        self.clock = clock

    def verify(
        self, token: str, claimed: Claimed | Callable[[], Claimed] = UNCLAIMED
    ) -> Verification:
        """Return the Verification of `token`; raise Rejected, UserDenied, CouldNotVouch, or
        ShareSpent when the client spent its share of the budget.

        `claimed` is called only when this process has no answer cached; what it raises is raised.
        """
        key = self.cache.token_key(token)
        local = self.cache.get_local(key)
        if isinstance(local, Verified):
            return local.remembered
        if local is not None:
            local.refuse()
        facts = claimed() if callable(claimed) else claimed
        self._screen(token, key)
        try:
            found = self._shared(key, facts.exp) or self.flight.run_with(
                key,
                lambda prelude, lease: self._ask(token, key, facts, prelude, lease),
                lambda: self._shared(key, facts.exp),
                lambda batch: self._prepare(batch, key, facts),
                refuse=self._refuse_while_open,
            )
        except CouldNotVouch as exc:
            return self._fallback(token, key, exc)
        return _answer(*found)

    def _screen(self, token: str, key: str) -> None:
        """Refuse a token the auth server cannot have issued; remember it in this process only."""
        if self.screen is None:
            return
        try:
            self.screen.check(token)
        except NotServerToken as exc:
            self.cache.remember(key, Rejection(401, "not_a_server_token"), self.policy.negative_ttl)
            raise Rejected(f"refused locally: {exc}", status=401) from exc

    def _shared(self, key: str, exp: int | None) -> Found | None:
        return self._found(key, self.cache.get_shared(key), exp)

    def _found(self, key: str, entry: Entry | None, exp: int | None) -> Found | None:
        """Return a shared entry that still answers (kept in-process too), else None."""
        if entry is None or self.marks.revoked(entry):
            return None
        if isinstance(entry, Verified) and not self._fresh(entry):
            return None
        self.cache.remember(key, entry, self._local_ttl(entry))
        return entry, "redis"

    def _prepare(self, batch: Batch, key: str, claimed: Claimed) -> Prelude:
        """Queue what a leader needs, sent with its lease: the entry, the revocation number, and
        (remote mode: a call surely follows) the breaker reads and the budget counts."""
        gate = None
        if self.signature is None:
            gate = self.upstream.prepare(batch, claimed.client, claimed=True)
        return Prelude(batch.get(key), self.marks.read_sequence(batch), gate)

    def _refuse_while_open(self, prelude: Prelude) -> None:
        """Raise Unavailable when nothing is stored and the breaker is open: a /me would be
        needed and cannot go out, so neither lead nor wait for another process's leader."""
        if prelude.gate is not None and prelude.entry.value is None:
            self.upstream.refuse_while_open(prelude.gate)

    def _ask(self, token: str, key: str, claimed: Claimed, prelude: Prelude, lease: Lease) -> Found:
        exp = claimed.exp
        # A leader may have stored its answer just before we took the lease.
        found = self._found(key, entry_from_dict(prelude.entry.value), exp)
        if found is not None:
            if prelude.gate is not None:
                self.upstream.release(prelude.gate)  # no call goes out
            return found
        seq = self.marks.sequence_of(prelude.seq)  # revocations numbered above this one win
        try:
            identity = self._identify(token, claimed, prelude.gate)
        except Rejected as exc:
            self._store_negative(key, Rejection(exc.status, exc.code, exp))
            raise
        try:
            user, seq = self._user(token, identity, seq)
        except Rejected as exc:
            self._store_negative(key, Rejection(exc.status, exc.code, exp))
            raise
        except UserDenied:
            self._store_negative(key, Denied(identity.remote_id, exp))
            raise
        source: Source = "jwks" if self.signature and self.signature.trust_claims else "remote"
        entry = Verified(identity, user, self.clock(), seq, exp, fingerprint(token))
        return self._store_identity(key, entry, lease), source

    def _user(self, token: str, identity: Identity, seq: int) -> tuple[dict[str, Any], int]:
        """Return the user's snapshot and the revocation number the answer may claim: a known
        user's snapshot with no query, else mirrored; raise Rejected (revoked) or UserDenied."""
        lookup = self.known.look(identity) if self.known else None
        known = lookup.known if lookup else None
        if known is not None:
            if self.denylist is not None and self.denylist.issued_before(token, known.not_before):
                raise Rejected("revoked here", status=401, code="revoked")
            return known.user, seq
        standing = self.denylist.standing(token, identity.remote_id) if self.denylist else None
        if self.denylist is not None and standing is None:
            raise Rejected("revoked here", status=401, code="revoked")
        with self.marks.own() as own:
            user = self.mirror(identity)
        seq = self.marks.sequence_after(seq, own)
        if self.known is not None and lookup is not None:
            self.known.remember(identity.remote_id, lookup, user, seq, standing or Standing(None))
        return user, seq

    def _identify(self, token: str, claimed: Claimed, gate: Gate | None = None) -> Identity:
        """Return who `token` belongs to: /me, or (jwks, hybrid) after the local signature check."""

        def me() -> Identity:
            return self.upstream.call(
                lambda: self.client.me(token, expires_at=claimed.exp),
                client=claimed.client,
                gate=gate,
            )

        if self.signature is None:
            return me()
        claims = self.signature.claims(token)
        identity = self.signature.identity(claims, me)
        if self.signature.trust_claims and self._issued_before_revocation(claims, identity):
            raise Rejected("issued before a revocation of its user", status=401, code="revoked")
        return identity

    def _issued_before_revocation(self, claims: dict[str, Any], identity: Identity) -> bool:
        """Return True when a user (or everyone) was revoked at or after the token's `iat` (no
        `iat`: after any revocation). Marks are the only per-user revocation a local check sees."""
        iat = issued_at(claims)
        return self.marks.received_after(identity.remote_id, float("-inf") if iat is None else iat)

    def _store_identity(self, key: str, entry: Verified, lease: Lease) -> Verified:
        """Store and return the positive entry; raise Rejected when a revocation came first."""
        life = self._life(entry.exp, entry.verified_at)
        # Kept while it may still serve: fresh for POSITIVE_TTL, or as grace up to GRACE_SECONDS
        # after this verification (the grace never counts from a later cache hit).
        shared_ttl = min(max(self.policy.positive_ttl, self.policy.grace), life)
        local_ttl = self._local_ttl(entry)
        if not self.cache.put_unless_revoked(
            key, entry, shared_ttl=shared_ttl, local_ttl=local_ttl, lease=lease
        ):
            raise Rejected("revoked during verification", status=401, code="revoked")
        return entry

    def _store_negative(self, key: str, entry: Rejection | Denied) -> None:
        ttl = min(self.policy.negative_ttl, max(1.0, self._life(entry.exp, self.clock())))
        self.cache.put(key, entry, shared_ttl=ttl, local_ttl=min(ttl, self.policy.local_ttl))

    def _fallback(self, token: str, key: str, exc: CouldNotVouch) -> Verification:
        entry = self.cache.get_shared(key) or self.cache.get_local(key)
        if isinstance(entry, Verified) and self._within_grace(entry):
            return entry.answer("grace")
        degraded = self.degraded(token) if self.degraded else None
        if (
            degraded is not None
            and not self._revoked_after(degraded)
            and not self._denied(token, degraded.identity.remote_id)
        ):
            return degraded
        raise exc

    def _within_grace(self, entry: Verified) -> bool:
        now = self.clock()
        return (
            self.policy.grace > 0
            and now - entry.verified_at <= self.policy.grace
            and (entry.exp is None or now < entry.exp)
            and not self.marks.revoked(entry)
        )

    def _denied(self, token: str, remote_id: str) -> bool:
        """Return True when a durable revocation (database) refuses the token or its user."""
        return self.denylist is not None and self.denylist.refuses(token, remote_id)

    def _revoked_after(self, degraded: Verification) -> bool:
        """Return True when a token checked only locally was issued before a revocation.

        Its `iat` (the auth server's clock) meets our clock at receipt: the one comparison of two
        hosts' clocks left, and only while the auth server is down and degraded mode is on.
        """
        return self.marks.received_after(degraded.identity.remote_id, degraded.verified_at)

    def _fresh(self, entry: Verified) -> bool:
        now = self.clock()
        return now - entry.verified_at < self.policy.positive_ttl and self._life(entry.exp, now) > 0

    def _life(self, exp: int | None, now: float) -> float:
        if exp is None:
            return self.policy.positive_ttl
        return float(exp - now - self.policy.exp_skew)

    def _local_ttl(self, entry: Entry) -> float:
        if not isinstance(entry, Verified):
            return min(self.policy.local_ttl, self.policy.negative_ttl)
        now = self.clock()
        fresh_for = self.policy.positive_ttl - (now - entry.verified_at)
        return min(self.policy.local_ttl, fresh_for, self._life(entry.exp, now))


def _answer(entry: Entry, source: Source) -> Verification:
    """Return the Verification of a positive entry; raise the refusal of a negative one."""
    if isinstance(entry, Verified):
        return entry.answer(source)
    entry.refuse()
