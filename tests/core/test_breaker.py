"""CircuitBreaker: shared state, threshold, cooldown on a fake clock, one half-open probe."""

import pytest

from core.breaker import CircuitBreaker
from core.exceptions import Unavailable

THRESHOLD, COOLDOWN = 3, 30.0


def make_breaker(cache, clock) -> CircuitBreaker:
    return CircuitBreaker(
        cache.state, threshold=THRESHOLD, cooldown=COOLDOWN, probe_timeout=5, clock=clock
    )


@pytest.fixture
def breaker(vcache, clock) -> CircuitBreaker:
    return make_breaker(vcache, clock)


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.record_failure()


def refused(breaker: CircuitBreaker) -> Unavailable:
    with pytest.raises(Unavailable) as caught:
        breaker.before_call()
    return caught.value


def test_closed_breaker_lets_calls_through(breaker):
    breaker.before_call()

    assert breaker.state() == {"state": "closed", "failures": 0}


def test_failures_below_threshold_keep_it_closed(breaker):
    fail(breaker, THRESHOLD - 1)

    breaker.before_call()
    assert breaker.state() == {"state": "closed", "failures": THRESHOLD - 1}


def test_opens_after_threshold_failures_in_a_row(breaker):
    fail(breaker, THRESHOLD)

    error = refused(breaker)
    assert error.retry_after == COOLDOWN
    assert "breaker open" in error.reason


def test_success_resets_the_run_of_failures(breaker):
    fail(breaker, THRESHOLD - 1)
    breaker.record_success()
    fail(breaker, THRESHOLD - 1)

    breaker.before_call()
    assert breaker.state()["state"] == "closed"


def test_open_breaker_reports_remaining_time_as_retry_after(breaker, clock):
    fail(breaker, THRESHOLD)

    clock.advance(10.5)

    assert refused(breaker).retry_after == 20


def test_retry_after_is_at_least_one_second(breaker, clock):
    fail(breaker, THRESHOLD)

    clock.advance(COOLDOWN - 0.01)

    assert refused(breaker).retry_after == 1


def test_half_open_lets_exactly_one_probe_through(breaker, clock):
    fail(breaker, THRESHOLD)
    clock.advance(COOLDOWN)

    breaker.before_call()

    for _ in range(3):
        error = refused(breaker)
        assert error.retry_after == 1
        assert "probe" in error.reason


def test_probe_success_closes_the_breaker(breaker, clock):
    fail(breaker, THRESHOLD)
    clock.advance(COOLDOWN)
    breaker.before_call()

    breaker.record_success()

    breaker.before_call()
    breaker.before_call()
    assert breaker.state() == {"state": "closed", "failures": 0}


def test_probe_failure_reopens_for_a_full_cooldown(breaker, clock):
    fail(breaker, THRESHOLD)
    clock.advance(COOLDOWN + 7)
    breaker.before_call()

    breaker.record_failure()

    assert refused(breaker).retry_after == COOLDOWN


def test_reopened_breaker_offers_a_new_probe_after_cooldown(breaker, clock):
    fail(breaker, THRESHOLD)
    clock.advance(COOLDOWN)
    breaker.before_call()
    breaker.record_failure()
    clock.advance(COOLDOWN)

    breaker.before_call()
    refused(breaker)


def test_429_opens_for_its_retry_after(breaker, clock):
    breaker.record_failure(12, rate_limited=True)

    assert refused(breaker).retry_after == 12
    clock.advance(12)
    breaker.before_call()


def test_429_without_retry_after_opens_for_the_cooldown(breaker):
    breaker.record_failure(None, rate_limited=True)

    assert refused(breaker).retry_after == COOLDOWN


def test_retry_after_of_an_ordinary_failure_does_not_open_it(breaker):
    breaker.record_failure(60)

    breaker.before_call()


def test_state_reports_closed_open_and_half_open(breaker, clock):
    fail(breaker, 1)
    assert breaker.state() == {"state": "closed", "failures": 1}

    fail(breaker, THRESHOLD - 1)
    clock.advance(0.5)
    assert breaker.state() == {"state": "open", "retryAfter": 30, "failures": 0}

    clock.advance(COOLDOWN)
    assert breaker.state() == {"state": "half-open", "failures": 0}


def test_every_worker_sees_the_same_state(vcache, clock):
    first, second = make_breaker(vcache, clock), make_breaker(vcache, clock)

    fail(first, THRESHOLD - 1)
    fail(second, 1)

    assert refused(first).retry_after == COOLDOWN
    assert refused(second).retry_after == COOLDOWN


def test_only_one_worker_probes(vcache, clock):
    first, second = make_breaker(vcache, clock), make_breaker(vcache, clock)
    fail(first, THRESHOLD)
    clock.advance(COOLDOWN)

    first.before_call()

    refused(second)


def test_breaker_never_blocks_while_the_shared_cache_is_down(broken_vcache, clock):
    breaker = make_breaker(broken_vcache, clock)

    fail(breaker, THRESHOLD * 2)
    breaker.record_failure(10, rate_limited=True)
    breaker.record_success()

    breaker.before_call()
    assert breaker.state() == {"state": "closed", "failures": 0}
