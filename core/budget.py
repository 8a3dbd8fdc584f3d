"""A deployment-wide budget of calls to the auth server, kept below its rate limit, and each
client's fair share of it.

Sliding-window counters in the shared cache: the estimate is this minute's count plus the share of
the previous minute's count that still falls inside the last 60 seconds. A call over the budget is
refused before it leaves, as *unavailable*; a call over the client's share as *share spent*.
"""

import hashlib
import math
import time
from collections.abc import Callable

from .exceptions import ShareSpent, Unavailable
from .state import SharedState

WINDOW = 60.0


class UpstreamBudget:
    """Allow `per_minute` auth-server calls per sliding minute across every process, and at most
    `per_client` of them to one client (0: no limit)."""

    def __init__(
        self,
        state: SharedState,
        *,
        per_minute: int,
        per_client: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.per_minute = per_minute
        self.per_client = per_client
        self.clock = clock

    def spend(self, client: str | None = None) -> None:
        """Take one call from `client`'s share and from the budget; raise ShareSpent or Unavailable."""
        share = self.client_counter(client) if client and self.per_client > 0 else None
        if share is not None:
            wait = self._take(share, self.per_client)
            if wait:
                raise ShareSpent("client share of the upstream budget spent", retry_after=wait)
        if self.per_minute <= 0:
            return
        wait = self._take("budget", self.per_minute)
        if wait:
            if share is not None:
                self.state.shared.decr(self._key(share, self._window()))  # no call went out
            raise Unavailable("upstream call budget spent", retry_after=wait)

    def client_counter(self, client: str) -> str:
        """Return the counter name of one client's share (a hash: no address in a key)."""
        return "share:" + hashlib.sha256(client.encode()).hexdigest()[:16]

    def _window(self) -> int:
        return int(self.clock() // WINDOW)

    def _key(self, counter: str, window: int) -> str:
        return self.state.key(counter, str(window))

    def _take(self, counter: str, limit: int) -> int:
        """Count one call on `counter`; return 0 when within `limit`, else the seconds to wait."""
        now = self.clock()
        window = int(now // WINDOW)
        current_key = self._key(counter, window)
        shared = self.state.shared
        shared.add(current_key, 0, int(WINDOW * 2) + 1)
        current = shared.incr(current_key)
        if current is None:
            return 0  # the counter vanished between add and incr: count this call as free
        previous = shared.get(self._key(counter, window - 1)) or 0
        overlap = 1.0 - (now % WINDOW) / WINDOW
        if previous * overlap + current <= limit:
            return 0
        shared.decr(current_key)
        return max(1, math.ceil(WINDOW - now % WINDOW))

    def used(self) -> float:
        """Return the calls counted in the current sliding minute."""
        now = self.clock()
        window = int(now // WINDOW)
        keys = [self._key("budget", window), self._key("budget", window - 1)]
        values = self.state.shared.get_many(keys) or {}
        current, previous = (values.get(key) or 0 for key in keys)
        return float(previous * (1.0 - (now % WINDOW) / WINDOW) + current)
