"""Every call to the auth server goes out through here: breaker first, then the budget and the
client's share (read and counted in one round trip), and its outcome is told to the breaker.

/me (core.verifier), login, refresh and logout (apps.authentication) all use one `Upstream`, so a
flood of any of them cannot spend more than the budget nor draw a 429 from the auth server.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .batch import Batch
from .breaker import CircuitBreaker, Reading
from .budget import Counting, UpstreamBudget
from .exceptions import BadResponse, Rejected, ShareSpent, Unavailable

T = TypeVar("T")


@dataclass(frozen=True)
class Gate:
    """A call's breaker reading and budget counting, queued on a Batch before the call."""

    reading: Reading
    counting: Counting


class Upstream:
    """Run auth-server calls under the circuit breaker and the upstream budget."""

    def __init__(self, breaker: CircuitBreaker, budget: UpstreamBudget) -> None:
        self.breaker = breaker
        self.budget = budget

    def prepare(self, batch: Batch, client: str | None = None, *, claimed: bool = False) -> Gate:
        """Queue a call's breaker reads and budget counts on `batch` (counted only when its claim
        is taken, with `claimed`); pass the Gate to `call`, or to `release` if no call follows."""
        return Gate(self.breaker.read(batch), self.budget.count(batch, client, claimed=claimed))

    def refuse_while_open(self, gate: Gate) -> None:
        """Raise Unavailable (uncounting the call) when the gate's reading finds the breaker open:
        a caller that knows no call can go out answers at once, leading or waiting for no one."""
        try:
            self.breaker.refuse_while_open(gate.reading)
        except Unavailable:
            self.release(gate)
            raise

    def release(self, gate: Gate) -> None:
        """Uncount a prepared call that will not go out."""
        self.budget.refund(gate.counting)

    def call(
        self,
        send: Callable[[], T],
        *,
        client: str | None = None,
        own_limit: bool = False,
        gate: Gate | None = None,
    ) -> T:
        """Return `send()`'s result; raise Unavailable or ShareSpent before it, or what it raised.

        `own_limit`: the endpoint has a rate limit of its own at the auth server (login, refresh:
        per IP, and every call comes from this service's address), so its 429 says nothing about
        the rest and leaves the breaker, which guards every verification, as it is.
        """
        reading = self._admit(client, gate)
        try:
            result = send()
        except Rejected:
            self.breaker.record_success(reading)
            raise
        except Unavailable as exc:
            if own_limit and exc.status == 429:
                self.breaker.release_probe()
                raise
            self.breaker.record_failure(exc.retry_after, rate_limited=exc.status == 429)
            raise
        except BadResponse:
            self.breaker.record_failure()
            raise
        self.breaker.record_success(reading)
        return result

    def _admit(self, client: str | None, gate: Gate | None) -> Reading:
        """Return the breaker's reading once the call may go out; raise Unavailable or ShareSpent.

        The breaker's keys and the budget's counters go in one round trip (`gate`: already sent
        with others); a call the breaker refuses is uncounted again.
        """
        if gate is None:
            batch = self.budget.state.shared.batch()
            gate = self.prepare(batch, client)
            batch.send()
        reading, counting = gate.reading, gate.counting
        try:
            self.breaker.admit(reading)
        except Unavailable:
            self.budget.refund(counting)
            raise
        try:
            self.budget.settle(counting)
        except (Unavailable, ShareSpent):
            self.breaker.release_probe()  # a probe that never went out must not block the next
            raise
        return reading
