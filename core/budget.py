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
from dataclasses import dataclass

from .batch import Batch, Pending
from .exceptions import ShareSpent, Unavailable
from .state import SharedState

WINDOW = 60.0


@dataclass(frozen=True)
class Count:
    """One call counted on one counter: this window's count (once sent) and the previous one's."""

    key: str
    limit: int
    current: Pending
    previous: Pending

    def wait(self, now: float) -> int:
        """Return 0 when the count is within its limit, else the seconds to wait."""
        current = self.current.value
        if current is None:
            return 0  # the counter vanished between add and incr: count this call as free
        overlap = 1.0 - (now % WINDOW) / WINDOW
        if (self.previous.value or 0) * overlap + current <= self.limit:
            return 0
        return max(1, math.ceil(WINDOW - now % WINDOW))


@dataclass(frozen=True)
class Counting:
    """The counts of one call: the client's share first (when `share`), then the budget."""

    now: float
    counts: list[Count]
    share: bool


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
        batch = self.state.shared.batch()
        counting = self.count(batch, client)
        batch.send()
        self.settle(counting)

    def count(
        self, batch: Batch, client: str | None = None, *, claimed: bool = False
    ) -> "Counting":
        """Queue the counting of one call on `batch` (`claimed`: only if the batch's claim is
        taken); `settle` decides once it was sent."""
        now = self.clock()
        window = int(now // WINDOW)
        limits = (
            [(self.client_counter(client), self.per_client)]
            if client and self.per_client > 0
            else []
        )
        limits += [("budget", self.per_minute)] if self.per_minute > 0 else []
        counts = []
        for counter, limit in limits:
            current_key = self._key(counter, window)
            batch.add(current_key, 0, int(WINDOW * 2) + 1, claimed=claimed)
            current = batch.incr(current_key, claimed=claimed)
            previous = batch.get(self._key(counter, window - 1))
            counts.append(Count(current_key, limit, current, previous))
        return Counting(now, counts, share=bool(client and self.per_client > 0))

    def settle(self, counting: "Counting") -> None:
        """Return when every count is within its limit; else refund them all and raise."""
        for index, count in enumerate(counting.counts):
            wait = count.wait(counting.now)
            if not wait:
                continue
            self.refund(counting)
            if index == 0 and counting.share:
                raise ShareSpent("client share of the upstream budget spent", retry_after=wait)
            raise Unavailable("upstream call budget spent", retry_after=wait)

    def refund(self, counting: "Counting") -> None:
        """Uncount a call that never went out."""
        for count in counting.counts:
            if count.current.value is not None:
                self.state.shared.decr(count.key)

    def client_counter(self, client: str) -> str:
        """Return the counter name of one client's share (a hash: no address in a key)."""
        return "share:" + hashlib.sha256(client.encode()).hexdigest()[:16]

    def _key(self, counter: str, window: int) -> str:
        return self.state.key(counter, str(window))

    def used(self) -> float:
        """Return the calls counted in the current sliding minute."""
        now = self.clock()
        window = int(now // WINDOW)
        keys = [self._key("budget", window), self._key("budget", window - 1)]
        values = self.state.shared.get_many(keys) or {}
        current, previous = (values.get(key) or 0 for key in keys)
        return float(previous * (1.0 - (now % WINDOW) / WINDOW) + current)
