"""SingleFlight: one leader per key across threads and processes; waiters read what it stored.

Another process is simulated by a second SingleFlight on the same shared cache, or by writing its
lease (and outcome) keys directly. Time is a fake clock; `sleep` only advances it.
"""

import threading

import pytest

from core.cache import VerificationCache
from core.exceptions import BadResponse, Rejected, Unavailable
from core.singleflight import OUTCOME_TTL, SingleFlight

NAME = "t:ns:tok:abc"


class Store:
    """What a leader writes and waiters read (stands in for the verification cache)."""

    def __init__(self) -> None:
        self.value: str | None = None

    def read(self) -> str | None:
        return self.value


def make_flight(cache, clock, *, sleep=None, wait: float = 3.0, on_wait=None) -> SingleFlight:
    return SingleFlight(
        cache.state,
        lease=5,
        wait=wait,
        poll=1.0,
        clock=clock,
        sleep=sleep or clock.sleep,
        on_wait=on_wait,
    )


def lease_key(cache: VerificationCache) -> str:
    return cache.state.key("lease", NAME)


def outcome_key(cache: VerificationCache, lease_id: str) -> str:
    return cache.state.key("outcome", f"{NAME}:{lease_id}")


def never_called() -> str:
    raise AssertionError("work ran although another process leads")


@pytest.fixture
def store() -> Store:
    return Store()


# --- the leader ----------------------------------------------------------------------------


def test_leader_runs_work_once_and_returns_its_result(vcache, clock, store):
    calls = []

    def work() -> str:
        calls.append(1)
        store.value = "fresh"
        return "fresh"

    assert make_flight(vcache, clock).run(NAME, work, store.read) == "fresh"
    assert calls == [1]


def test_stored_result_is_returned_without_running_work(vcache, clock, store):
    store.value = "cached"

    assert make_flight(vcache, clock).run(NAME, never_called, store.read) == "cached"


def test_leader_holds_the_lease_while_working_and_releases_it(vcache, clock, store):
    seen = []

    def work() -> str:
        seen.append(vcache.state.shared.get(lease_key(vcache)))
        return "ok"

    make_flight(vcache, clock).run(NAME, work, store.read)

    assert isinstance(seen[0], str)
    assert vcache.state.shared.get(lease_key(vcache)) is None


@pytest.mark.parametrize(
    ("error", "retry_after"),
    [(Unavailable("upstream 503", retry_after=9), 9), (BadResponse("html body"), None)],
)
def test_leader_failure_is_left_as_the_outcome_of_its_lease(
    vcache, clock, store, error, retry_after
):
    leases = []

    def work() -> str:
        leases.append(vcache.state.shared.get(lease_key(vcache)))
        raise error

    with pytest.raises(type(error)):
        make_flight(vcache, clock).run(NAME, work, store.read)

    outcome = vcache.state.shared.get(outcome_key(vcache, leases[0]))
    assert outcome == {"retry_after": retry_after, "reason": error.reason}
    assert vcache.state.shared.get(lease_key(vcache)) is None


def test_rejection_is_not_left_as_an_outcome(vcache, clock, store):
    leases = []

    def work() -> str:
        leases.append(vcache.state.shared.get(lease_key(vcache)))
        raise Rejected("401", status=401)

    with pytest.raises(Rejected):
        make_flight(vcache, clock).run(NAME, work, store.read)

    assert vcache.state.shared.get(outcome_key(vcache, leases[0])) is None
    assert vcache.state.shared.get(lease_key(vcache)) is None


def test_leader_does_not_release_a_lease_another_process_took_over(vcache, clock, store):
    def work() -> str:
        # Our lease expired while we worked and another process leads now.
        vcache.state.shared.set(lease_key(vcache), "successor", 5)
        return "ok"

    make_flight(vcache, clock).run(NAME, work, store.read)

    assert vcache.state.shared.get(lease_key(vcache)) == "successor"


def test_shared_cache_down_means_every_caller_leads_alone(broken_vcache, clock, store):
    assert make_flight(broken_vcache, clock).run(NAME, lambda: "alone", store.read) == "alone"


def test_leader_does_not_count_as_a_wait(vcache, clock, store):
    waits = []

    make_flight(vcache, clock, on_wait=lambda: waits.append(1)).run(NAME, lambda: "x", store.read)

    assert waits == []


def test_result_stored_just_before_the_lease_was_taken_is_used_not_recomputed(vcache, clock):
    reads = iter([None, "stored-by-the-previous-leader"])  # miss before the lease, hit after
    calls = []

    def work() -> str:
        calls.append(1)
        return "again"

    result = make_flight(vcache, clock).run(NAME, work, lambda: next(reads))

    assert result == "stored-by-the-previous-leader"
    assert calls == []


# --- waiters in other processes ------------------------------------------------------------


def test_waiter_gets_the_stored_result_without_running_work(vcache, clock, store):
    vcache.state.shared.set(lease_key(vcache), "other-process", 5)
    polls = []

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        polls.append(seconds)
        if len(polls) == 2:
            store.value = "from-leader"

    waits = []
    flight = make_flight(vcache, clock, sleep=sleep, on_wait=lambda: waits.append(1))

    assert flight.run(NAME, never_called, store.read) == "from-leader"
    assert polls == [1.0, 1.0]
    assert waits == [1]


def test_leader_failure_reaches_the_waiters_of_that_lease(vcache, clock, store):
    vcache.state.shared.set(lease_key(vcache), "other-process", 5)
    failure = {"retry_after": 7, "reason": "auth server said 503"}
    vcache.state.shared.set(outcome_key(vcache, "other-process"), failure, OUTCOME_TTL)

    with pytest.raises(Unavailable) as caught:
        make_flight(vcache, clock).run(NAME, never_called, store.read)

    assert caught.value.retry_after == 7
    assert caught.value.reason == "auth server said 503"


def test_outcome_of_an_older_lease_is_ignored(vcache, clock, store):
    vcache.state.shared.set(lease_key(vcache), "current", 5)
    vcache.state.shared.set(outcome_key(vcache, "older"), {"retry_after": 7, "reason": "old"}, 5)

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        store.value = "from-current-leader"

    assert make_flight(vcache, clock, sleep=sleep).run(NAME, never_called, store.read) == (
        "from-current-leader"
    )


def test_failure_of_a_real_leader_in_another_process_reaches_the_waiter(vcache, clock, store):
    leader = make_flight(vcache, clock)
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def work() -> str:
        started.set()
        release.wait(5)
        raise Unavailable("upstream timeout", retry_after=4)

    def lead() -> None:
        try:
            leader.run(NAME, work, store.read)
        except Unavailable as exc:
            errors.append(exc)

    thread = threading.Thread(target=lead)
    thread.start()
    assert started.wait(5)

    def sleep(seconds: float) -> None:  # the leader fails while we wait
        clock.advance(seconds)
        release.set()
        thread.join(5)

    waiter = make_flight(vcache, clock, sleep=sleep)
    with pytest.raises(Unavailable) as caught:
        waiter.run(NAME, never_called, store.read)

    assert caught.value.retry_after == 4
    assert len(errors) == 1


def test_deleted_or_expired_lease_lets_a_waiter_take_over(vcache, clock, store):
    vcache.state.shared.set(lease_key(vcache), "dead-process", 5)
    calls = []

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        vcache.state.shared.delete(lease_key(vcache))  # the lease ran out

    def work() -> str:
        calls.append(1)
        return "taken-over"

    waits = []
    flight = make_flight(vcache, clock, sleep=sleep, on_wait=lambda: waits.append(1))

    assert flight.run(NAME, work, store.read) == "taken-over"
    assert calls == [1]
    assert waits == [1]


def test_wait_deadline_raises_unavailable(vcache, clock, store):
    vcache.state.shared.set(lease_key(vcache), "stuck-process", 5)
    polls = []

    def sleep(seconds: float) -> None:
        clock.advance(seconds)
        polls.append(seconds)

    with pytest.raises(Unavailable) as caught:
        make_flight(vcache, clock, sleep=sleep, wait=3.0).run(NAME, never_called, store.read)

    assert caught.value.retry_after == 1
    assert len(polls) == 3


# --- threads in one process ----------------------------------------------------------------


def test_threads_in_one_process_coalesce_into_one_call(vcache, clock, store):
    flight = make_flight(vcache, clock, wait=10.0)
    threads_count = 8
    calls, results = [], []
    entered, release = threading.Event(), threading.Event()
    barrier = threading.Barrier(threads_count + 1)

    def work() -> str:
        calls.append(1)
        entered.set()
        release.wait(5)
        store.value = "verified"
        return "verified"

    def caller() -> None:
        barrier.wait(5)
        results.append(flight.run(NAME, work, store.read))

    threads = [threading.Thread(target=caller) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    barrier.wait(5)
    assert entered.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)

    assert calls == [1]
    assert results == ["verified"] * threads_count


def test_thread_that_cannot_get_the_key_in_time_is_unavailable(vcache, clock, store):
    flight = make_flight(vcache, clock)
    entered, release = threading.Event(), threading.Event()

    def work() -> str:
        entered.set()
        release.wait(5)
        return "late"

    thread = threading.Thread(target=flight.run, args=(NAME, work, store.read))
    thread.start()
    assert entered.wait(5)
    flight.wait = 0.001  # the in-process lock times out on real time; keep that negligible
    try:
        with pytest.raises(Unavailable) as caught:
            flight.run(NAME, never_called, store.read)
    finally:
        release.set()
        thread.join(5)

    assert caught.value.retry_after == 1


def test_different_keys_do_not_wait_for_each_other(vcache, clock, store):
    flight = make_flight(vcache, clock)

    def work() -> str:
        return flight.run("another-token", lambda: "inner", lambda: None)

    assert flight.run(NAME, work, store.read) == "inner"


def test_per_key_flights_are_forgotten_after_use(vcache, clock, store):
    flight = make_flight(vcache, clock)

    for index in range(5):
        flight.run(f"{NAME}{index}", lambda: "ok", store.read)
    with pytest.raises(Unavailable):
        flight.run(NAME, lambda: (_ for _ in ()).throw(Unavailable("down")), store.read)

    assert flight._flights == {}


def run_together(flight, work, store, count: int):
    """Start `count` threads on one key while the leader's `work` is held; return their endings."""
    results: list[str] = []
    errors: list[BaseException] = []
    joined = threading.Semaphore(0)

    def caller() -> None:
        try:
            results.append(flight.run(NAME, work, store.read))
        except Exception as exc:
            errors.append(exc)

    flight.on_wait = joined.release
    threads = [threading.Thread(target=caller) for _ in range(count)]
    for thread in threads:
        thread.start()
    for _ in range(count - 1):
        assert joined.acquire(timeout=5)  # every follower is waiting before the leader ends
    return results, errors, threads


@pytest.mark.parametrize(
    "error",
    [Unavailable("slow", retry_after=4), BadResponse("garbage"), Rejected("no", status=401)],
)
def test_threads_waiting_on_a_failing_leader_share_its_failure(vcache, clock, store, error):
    flight = make_flight(vcache, clock, wait=10.0)
    calls: list[int] = []
    entered, release = threading.Event(), threading.Event()

    def work() -> str:
        calls.append(1)
        entered.set()
        release.wait(5)
        raise error

    results, errors, threads = run_together(flight, work, store, 8)
    assert entered.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)

    assert calls == [1]
    assert results == []
    assert errors == [error] * 8


def test_threads_waiting_on_a_successful_leader_read_back_what_it_stored(vcache, clock, store):
    flight = make_flight(vcache, clock, wait=10.0)
    entered, release = threading.Event(), threading.Event()

    def work() -> str:
        entered.set()
        release.wait(5)
        store.value = "read back"
        return "led"

    results, errors, threads = run_together(flight, work, store, 4)
    assert entered.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)

    assert errors == []
    assert sorted(results) == ["led"] + ["read back"] * 3
