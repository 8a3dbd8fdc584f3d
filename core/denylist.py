"""Durable revocations: what the auth server cannot repeat, kept in the database.

A local access token's `jti` (its logout) and an operator's `authcache revoke --token | --user` are
rows of core.models.Revocation; Redis only caches them. A cache miss or outage reads the database,
so losing Redis, or a failover that drops recent writes, never brings a revoked token back.

Every new row also moves the shared *epoch* on (after the row is written): a snapshot of a known
user (core.known) keeps the epoch its database check read, and answers without the database only
while the epoch has not moved.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

from .commit import now_and_at_commit
from .marks import MARK_TTL
from .models import Revocation
from .state import SharedState
from .tokens import issued_at, unverified_claims


def token_digest(token: str) -> str:
    """Return the SHA-256 of a whole token: how a revoked token is named in the database."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def user_subject(issuer: str, remote_id: str) -> str:
    """Return how a revoked user is named in the database: a user belongs to an auth server."""
    return f"{issuer}:{remote_id}"


@dataclass(frozen=True)
class Standing:
    """What the database said of a user no row refused: its newest user revocation, if any."""

    not_before: float | None


class Denylist:
    """Record revocations in the database and answer whether one refuses a token."""

    def __init__(
        self,
        state: SharedState,
        *,
        issuer: str,
        user_ttl: float,
        skew: float,
        local_ttl: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state, self.user_ttl, self.skew, self.local_ttl = state, user_ttl, skew, local_ttl
        self.issuer = issuer
        self.clock = clock
        self.epoch_key = state.key("deny", "epoch")

    def revoke_token(self, token: str, exp: int | None) -> None:
        """Refuse a remote token until its `exp` (a day when it has none)."""
        self._keep(Revocation.TOKEN, token_digest(token), exp)
        self._move_epoch()

    def revoke_jti(self, jti: str, exp: int | None) -> None:
        """Refuse a local access token, named by its `jti`, until its `exp`."""
        self._keep(Revocation.JTI, jti, exp)
        self.state.shared.set(self.state.key("jti", jti), True, self._life(exp))

    def revoke_user(self, remote_id: str, issuer: str | None = None) -> None:
        """Refuse every token of a remote user (of `issuer`, default ours) issued until now."""
        now = self.clock()
        subject = user_subject(issuer or self.issuer, remote_id)
        self._keep(Revocation.USER, subject, int(now + self.user_ttl), not_before=now)
        self._move_epoch()

    def refuses(self, token: str, remote_id: str) -> bool:
        """Return True when a row refuses this remote token or its user (one query)."""
        return self.standing(token, remote_id) is None

    def standing(self, token: str, remote_id: str) -> Standing | None:
        """Return the user's Standing when no row refuses the token or its user, else None."""
        rows = Revocation.objects.filter(
            Q(kind=Revocation.TOKEN, subject=token_digest(token))
            | Q(kind=Revocation.USER, subject=user_subject(self.issuer, remote_id)),
            expires_at__gt=self._now(),
        ).values_list("kind", "not_before")
        not_before: float | None = None
        for kind, row_not_before in rows:
            if kind == Revocation.TOKEN:
                return None
            at = float("-inf") if row_not_before is None else row_not_before  # refuses no `iat`
            not_before = at if not_before is None else max(not_before, at)
        if self.issued_before(token, not_before):
            return None
        return Standing(not_before)

    def issued_before(self, token: str, not_before: float | None) -> bool:
        """Return True when a user revocation at `not_before` refuses the token (no query).

        It refuses tokens whose `iat` (the auth server's clock) is not later than `not_before`
        (ours at receipt) plus EXP_SKEW, and every token without an `iat`.
        """
        if not_before is None:
            return False
        iat = issued_at(unverified_claims(token))
        return iat is None or iat <= not_before + self.skew

    def epoch(self) -> int | None:
        """Return the current epoch, starting it when there is none (None: no shared cache)."""
        shared = self.state.shared
        if shared.down:
            return None
        # A lost epoch restarts above every number it reached (as the marks' sequence does).
        shared.add(self.epoch_key, int(time.time() * 1000), MARK_TTL)
        value = shared.get(self.epoch_key)
        return value if isinstance(value, int) and not shared.down else None

    def refuses_jti(self, jti: str, exp: int | None) -> bool:
        """Return True when a local access token was logged out; cached, the database decides."""
        key = self.state.key("jti", jti)
        cached = self.state.shared.get(key)
        if isinstance(cached, bool):
            return cached
        refused = Revocation.objects.filter(
            kind=Revocation.JTI, subject=jti, expires_at__gt=self._now()
        ).exists()
        # `add`, not `set`: a logout that stored True meanwhile must not be overwritten.
        ttl = self._life(exp) if refused else min(self._life(exp), self.local_ttl)
        self.state.shared.add(key, refused, max(1, int(ttl)))
        return refused

    def _keep(
        self, kind: str, subject: str, exp: int | None, not_before: float | None = None
    ) -> None:
        until = datetime.fromtimestamp(self.clock() + self._life(exp), tz=UTC)
        Revocation.objects.filter(expires_at__lte=self._now()).delete()  # expired rows go
        Revocation.objects.update_or_create(
            kind=kind, subject=subject, defaults={"expires_at": until, "not_before": not_before}
        )

    def _move_epoch(self) -> None:
        """Move the epoch on, after a row that refuses remote tokens was written (and again when
        its transaction commits: a check that read the database before it saw no row)."""
        now_and_at_commit(lambda: self.state.shared.incr(self.epoch_key))

    def _life(self, exp: int | None) -> int:
        """Return how long a revocation lasts: until `exp`, or MARK_TTL without one."""
        return max(1, int(exp - self.clock())) if exp is not None else MARK_TTL

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)
