"""A circuit breaker around the auth server whose state lives in the shared cache.

closed → (BREAKER_THRESHOLD unavailable outcomes in a row, or one 429) → open for BREAKER_COOLDOWN
(or the 429's Retry-After) → half-open: one probe goes through → success closes, failure re-opens.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from .batch import Batch, Pending
from .exceptions import Unavailable
from .state import SharedState


@dataclass(frozen=True)
class Reading:
    """The breaker's keys read before a call: when it is open until, and the run of failures."""

    open_until: Pending
    failures: Pending

    @property
    def clean(self) -> bool:
        """Return True when the breaker was closed with no failure counted (and so no probe)."""
        return self.open_until.value is None and not self.failures.value


class CircuitBreaker:
    """Fail fast while the auth server is known to be down; every worker sees the same state."""

    def __init__(
        self,
        state: SharedState,
        *,
        threshold: int,
        cooldown: float,
        probe_timeout: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.shared = state.shared
        self.threshold = threshold
        self.cooldown = cooldown
        self.probe_timeout = probe_timeout
        self.clock = clock
        self.open_key = state.key("breaker", "open_until")
        self.failures_key = state.key("breaker", "failures")
        self.probe_key = state.key("breaker", "probe")

    def _half_open(self, open_until: object) -> bool:
        """Raise Unavailable while open; return whether the breaker is half-open (else closed)."""
        if not isinstance(open_until, (int, float)):
            return False
        remaining = open_until - self.clock()
        if remaining > 0:
            raise Unavailable("circuit breaker open", retry_after=max(1, math.ceil(remaining)))
        return True

    def before_call(self) -> None:
        """Return when a call may go out; raise Unavailable while open or while another probes."""
        batch = self.shared.batch()
        reading = self.read(batch)
        batch.send()
        self.admit(reading)

    def read(self, batch: Batch) -> "Reading":
        """Queue the reads `admit` decides on (sent with other operations in one round trip)."""
        return Reading(batch.get(self.open_key), batch.get(self.failures_key))

    def refuse_while_open(self, reading: "Reading") -> None:
        """Raise Unavailable while `reading` says open; pass otherwise (no probe taken: `admit`
        decides a half-open breaker's probe)."""
        self._half_open(reading.open_until.value)

    def admit(self, reading: "Reading") -> None:
        """Return when a call may go out, as `before_call`; raise Unavailable otherwise."""
        if not self._half_open(reading.open_until.value):
            return
        probe = self.shared.add(self.probe_key, 1, int(self.probe_timeout))
        if not probe:
            raise Unavailable("circuit breaker half-open: probe in flight", retry_after=1)

    def release_probe(self) -> None:
        """Give up the half-open probe slot without an outcome."""
        self.shared.delete(self.probe_key)

    def record_success(self, reading: "Reading | None" = None) -> None:
        """Close the breaker and forget the run of failures (nothing to do when `reading`, taken
        before the call, saw it closed with none)."""
        if reading is not None and reading.clean:
            return
        keys = [self.open_key, self.failures_key, self.probe_key]
        self.shared.delete_many(keys)

    def record_failure(self, retry_after: int | None = None, *, rate_limited: bool = False) -> None:
        """Count an unavailable outcome; open the breaker at the threshold, on a 429, or on a probe."""
        if rate_limited:
            self.open(retry_after or self.cooldown)
            return
        was_probe = self.shared.get(self.probe_key) is not None
        self.shared.add(self.failures_key, 0, int(self.cooldown * 2))
        failures = self.shared.incr(self.failures_key)
        if was_probe or (isinstance(failures, int) and failures >= self.threshold):
            self.open(self.cooldown)

    def open(self, seconds: float) -> None:
        """Open the breaker for `seconds`."""
        shared = self.shared
        shared.set(self.open_key, self.clock() + seconds, int(seconds) + 3600)
        shared.delete_many([self.failures_key, self.probe_key])

    def state(self) -> dict[str, object]:
        """Return the breaker's state for operators: closed, open or half-open, and failures."""
        open_until = self.shared.get(self.open_key)
        failures = self.shared.get(self.failures_key) or 0
        if not isinstance(open_until, (int, float)):
            return {"state": "closed", "failures": failures}
        remaining = open_until - self.clock()
        if remaining > 0:
            return {"state": "open", "retryAfter": math.ceil(remaining), "failures": failures}
        return {"state": "half-open", "failures": failures}
