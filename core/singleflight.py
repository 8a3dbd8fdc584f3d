"""Single-flight: one verification of a token at a time, across threads, processes and hosts.

In one process, threads asking for the same key share one flight: the first runs it and the others
finish with its outcome, success or failure, never re-running the work. Across processes the
leader holds a short lease in the shared cache while it asks the auth server; everyone else polls
for the result it stores. A leader that fails leaves its outcome for the waiters of that lease
only; a leader that dies lets its lease expire, and a waiter takes over.
"""

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar, cast

from .batch import Batch
from .exceptions import CouldNotVouch, Unavailable
from .state import SharedState

T = TypeVar("T")
P = TypeVar("P")
OUTCOME_TTL = 5


def _attempt(
    work: Callable[[P, "Lease"], T],
    read: Callable[[], T | None],
    prepared: P,
    lease: "Lease",
    look: bool,
) -> T:
    """Run the leader's work; with `look`, first read again: a leader may have stored its result
    just before we took the lease."""
    return (read() if look else None) or work(prepared, lease)


def _nothing(batch: Batch) -> None:
    """Prepare nothing: a plain `run` sends the lease alone."""


@dataclass
class Lease:
    """A leader's lease in the shared cache; `released` once a store gave it up with its result."""

    key: str
    value: str
    released: bool = False


@dataclass(frozen=True)
class Failure:
    """A leader's failure, stored for the waiters of its lease: the auth server could not vouch."""

    reason: str
    retry_after: int | None

    def error(self) -> Unavailable:
        return Unavailable(self.reason, retry_after=self.retry_after)

    def to_dict(self) -> dict[str, Any]:
        return {"retry_after": self.retry_after, "reason": self.reason}

    @classmethod
    def from_dict(cls, value: Any) -> "Failure | None":
        """Return the Failure stored as `value`, None for anything else."""
        if not isinstance(value, dict) or "reason" not in value:
            return None
        retry_after = value.get("retry_after")
        return cls(str(value["reason"]), retry_after if isinstance(retry_after, int) else None)


@dataclass
class _Flight(Generic[T]):
    """One in-process run of the work for a key; `done` is set once `result` or `error` is."""

    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None

    def outcome(self) -> T:
        """Return the leader's result, or raise the leader's error."""
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


class SingleFlight:
    """Run `work` once per key while concurrent callers wait for what it stored."""

    def __init__(
        self,
        state: SharedState,
        *,
        lease: float,
        wait: float,
        poll: float = 0.01,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.state = state
        self.lease = lease
        self.wait = wait
        self.poll = poll
        self.clock = clock
        self.sleep = sleep
        self._flights: dict[str, _Flight[Any]] = {}
        self._guard = threading.Lock()
        self.on_wait = on_wait

    def run(self, name: str, work: Callable[[], T], read: Callable[[], T | None]) -> T:
        """Return `read()` once someone's `work()` has stored a result, running it here if needed.

        Threads of this process that ask while it runs get the same result or the same error.
        """
        return self.run_with(name, lambda _prepared, _lease: work(), read, _nothing, look=True)

    def run_with(
        self,
        name: str,
        work: Callable[[P, "Lease"], T],
        read: Callable[[], T | None],
        prepare: Callable[[Batch], P],
        *,
        look: bool = False,
        refuse: Callable[[P], None] = lambda _prepared: None,
    ) -> T:
        """Like `run`, with `prepare(batch)` sent in the lease's round trip (its claimed operations
        run only when this process takes the lease); the leader's `work(prepared, lease)` gets
        what `prepare` returned. `look`: `read()` before the lease, and again once taken (else
        `prepare` reads). `refuse(prepared)` raises when what was read shows that no one can do
        the work now (the breaker is open): it is raised at once, by a leader (its lease given
        back) and by a process that would otherwise wait for another's."""
        flight, leading = self._join(name)
        if not leading:
            return self._follow(cast("_Flight[T]", flight), read)
        try:
            result = (read() if look else None) or self._across_processes(
                name, work, read, prepare, look, refuse
            )
            flight.result = result
            return result
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            self._land(name, flight)

    def _join(self, name: str) -> tuple[_Flight[Any], bool]:
        with self._guard:
            flight = self._flights.get(name)
            if flight is not None:
                return flight, False
            flight = self._flights[name] = _Flight()
            return flight, True

    def _follow(self, flight: _Flight[T], read: Callable[[], T | None]) -> T:
        """Wait for the leader of this process: raise its error, or read what it stored."""
        if self.on_wait:
            self.on_wait()
        if not flight.done.wait(self.wait):
            raise Unavailable("timed out waiting for a concurrent verification", retry_after=1)
        if flight.error is not None:
            raise flight.error
        # Read back like any later request (source "redis"/"memory", not the leader's "remote").
        return read() or flight.outcome()

    def _land(self, name: str, flight: _Flight[Any]) -> None:
        with self._guard:
            if self._flights.get(name) is flight:
                del self._flights[name]
        flight.done.set()

    def _across_processes(
        self,
        name: str,
        work: Callable[[P, "Lease"], T],
        read: Callable[[], T | None],
        prepare: Callable[[Batch], P],
        look: bool,
        refuse: Callable[[P], None],
    ) -> T:
        deadline = self.clock() + self.wait
        lease_key = self.state.key("lease", name)
        while True:
            lease = Lease(lease_key, uuid.uuid4().hex)
            batch = self.state.shared.batch()
            taken = batch.claim(lease_key, lease.value, int(self.lease))
            prepared = prepare(batch)
            batch.send()
            if taken.value:
                try:
                    refuse(prepared)
                except BaseException:
                    self.state.shared.delete_if_equal(lease.key, lease.value)
                    raise
                return self._lead(name, lease, partial(_attempt, work, read, prepared, lease, look))
            refuse(prepared)
            if self.on_wait:
                self.on_wait()
            result = self._await(name, lease_key, read, deadline)
            if result is not None:
                return result

    def _lead(self, name: str, lease: "Lease", work: Callable[[], T]) -> T:
        try:
            return work()
        except CouldNotVouch as exc:
            failure = Failure(exc.reason, exc.retry_after)
            outcome_key = self.state.key("outcome", f"{name}:{lease.value}")
            self.state.shared.set(outcome_key, failure.to_dict(), OUTCOME_TTL)
            raise
        finally:
            # Release only our own lease (past its expiry another process may lead now), in one
            # atomic compare-and-delete so a lease taken over between a read and a delete survives.
            if not lease.released:
                self.state.shared.delete_if_equal(lease.key, lease.value)

    def _await(
        self, name: str, lease_key: str, read: Callable[[], T | None], deadline: float
    ) -> T | None:
        """Poll until a result appears (return it) or the lease is gone (return None)."""
        holder: Any = self.state.shared.get(lease_key)
        while self.clock() < deadline:
            self.sleep(self.poll)
            result = read()
            if result is not None:
                return result
            if holder is not None:
                stored = self.state.shared.get(self.state.key("outcome", f"{name}:{holder}"))
                failure = Failure.from_dict(stored)
                if failure is not None:
                    raise failure.error()
            current = self.state.shared.get(lease_key)
            if current is None:
                return None
            holder = current
        raise Unavailable("timed out waiting for a concurrent verification", retry_after=1)
