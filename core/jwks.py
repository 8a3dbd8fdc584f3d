"""The auth server's public keys (JWKS): fetched through the upstream gate, kept in-process and in
the shared cache, refreshed at least every MAX_AGE, refetched on an unknown `kid` at most once per
MIN_REFRESH across the deployment, and used up to STALE_MAX while the JWKS cannot be fetched.

Keys are parsed with PyJWT's `PyJWK` (core.tokens): PyJWT already verifies our tokens and is a
dependency; its `PyJWKClient` is not used because it fetches with urllib, outside the breaker,
the budget, the deadline and the shared cache.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .exceptions import CouldNotVouch, Rejected, Unavailable
from .state import SharedState
from .tokens import PublicKey, parse_jwks
from .upstream import Upstream

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """One JWKS document and when it was fetched (this host's clock)."""

    document: Any
    fetched_at: float

    def keys(self) -> dict[str, PublicKey]:
        """Return the usable keys by kid (the first of a duplicated kid wins)."""
        found: dict[str, PublicKey] = {}
        for key in parse_jwks(self.document)[0]:
            found.setdefault(key.kid, key)
        return found


@dataclass(frozen=True)
class KeyPolicy:
    """How often the JWKS is fetched and how long an old copy may serve, in seconds."""

    min_refresh: float = 30.0
    max_age: float = 3600.0
    stale_max: float = 24 * 3600.0


class KeySet:
    """Find the public key a token's `kid` names; raise Rejected (unknown kid) or Unavailable."""

    def __init__(
        self,
        fetch: Callable[[], Any],
        state: SharedState,
        upstream: Upstream,
        policy: KeyPolicy,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.fetch, self.state, self.upstream, self.policy = fetch, state, upstream, policy
        self.clock = clock
        self._lock = threading.Lock()
        self._held: Fetched | None = None
        self._keys: dict[str, PublicKey] = {}
        self._doc_key = state.key("jwks", "document")
        self._refresh_key = state.key("jwks", "refresh")

    def key(self, kid: object) -> PublicKey:
        """Return the key named `kid`; refetch once (deployment-wide throttle) when it is unknown."""
        if not isinstance(kid, str) or not kid:
            raise Rejected("no kid", status=401, code="token_invalid")
        keys = self._current()
        if kid not in keys:
            keys = self._refetched() if self._claim_refresh() else self._from_shared() or keys
        if kid not in keys:
            raise Rejected("unknown kid", status=401, code="token_invalid")
        return keys[kid]

    def held(self) -> Fetched | None:
        """Return the JWKS copy this process holds, if any."""
        return self._held

    def refresh(self) -> Fetched:
        """Fetch the JWKS now through the upstream gate and keep it; raise CouldNotVouch."""
        document = self.upstream.call(self.fetch)
        fetched = Fetched(document, self.clock())
        self.state.shared.set(
            self._doc_key,
            {"document": document, "fetched_at": fetched.fetched_at},
            timeout=int(self.policy.stale_max),
        )
        self._hold(fetched)
        return fetched

    def _current(self) -> dict[str, PublicKey]:
        """Return keys no older than MAX_AGE: held, shared, or fetched now (old ones while the JWKS
        is unreachable, up to STALE_MAX)."""
        if self._age() < self.policy.max_age:
            return self._keys
        shared = self._from_shared()
        if shared is not None and self._age() < self.policy.max_age:
            return shared
        if self._held is not None and not self._claim_refresh():
            return self._stale_keys(None)  # another process is fetching it right now
        return self._newer()

    def _refetched(self) -> dict[str, PublicKey]:
        """Refetch for an unknown kid; a failure is Unavailable (the key may have been published)."""
        try:
            self.refresh()
        except CouldNotVouch as exc:
            reason = f"JWKS not refetched for an unknown kid: {exc.reason}"
            raise Unavailable(reason, retry_after=exc.retry_after) from exc
        return self._keys

    def _newer(self) -> dict[str, PublicKey]:
        try:
            self.refresh()
        except CouldNotVouch as exc:
            return self._stale_keys(exc) if self._held is not None else _no_keys(exc)
        return self._keys

    def _stale_keys(self, exc: CouldNotVouch | None) -> dict[str, PublicKey]:
        age = self._age()
        if age >= self.policy.stale_max:
            raise Unavailable(f"JWKS older than {self.policy.stale_max:g} s and unreachable")
        if exc is not None:
            logger.error(
                "JWKS UNREACHABLE (%s): verifying with keys fetched %.0f s ago (at most %.0f s)",
                exc.reason,
                age,
                self.policy.stale_max,
            )
        return self._keys

    def _from_shared(self) -> dict[str, PublicKey] | None:
        """Adopt the shared copy when it is newer than the held one; return the keys, or None."""
        stored = self.state.shared.get(self._doc_key)
        if not isinstance(stored, dict) or not isinstance(stored.get("fetched_at"), float | int):
            return None
        if self._held is not None and stored["fetched_at"] <= self._held.fetched_at:
            return None
        self._hold(Fetched(stored.get("document"), float(stored["fetched_at"])))
        return self._keys

    def _claim_refresh(self) -> bool:
        """Return True for the one caller per MIN_REFRESH (deployment-wide) that may refetch."""
        return bool(
            self.state.shared.add(
                self._refresh_key, "1", timeout=max(1, int(self.policy.min_refresh))
            )
        )

    def _hold(self, fetched: Fetched) -> None:
        keys = fetched.keys()
        with self._lock:
            self._held, self._keys = fetched, keys

    def _age(self) -> float:
        return float("inf") if self._held is None else self.clock() - self._held.fetched_at


def _no_keys(exc: CouldNotVouch) -> dict[str, PublicKey]:
    raise Unavailable(f"no JWKS: {exc.reason}", retry_after=exc.retry_after) from exc
