"""Upstream: the breaker's reads and the budget's counts in one round trip, on a fake clock."""

import pytest

from core.breaker import CircuitBreaker
from core.budget import WINDOW, UpstreamBudget
from core.exceptions import Rejected, ShareSpent, Unavailable
from core.singleflight import SingleFlight
from core.upstream import Upstream

MINUTE_START = WINDOW * 20_000


@pytest.fixture
def upstream(vcache, clock) -> Upstream:
    clock.now = MINUTE_START
    return Upstream(
        CircuitBreaker(vcache.state, threshold=2, cooldown=30, probe_timeout=5, clock=clock),
        UpstreamBudget(vcache.state, per_minute=5, per_client=2, clock=clock),
    )


def test_a_call_the_breaker_refuses_spends_no_budget(upstream) -> None:
    upstream.breaker.open(30)

    with pytest.raises(Unavailable, match="breaker open"):
        upstream.call(lambda: "never", client="10.0.0.1")

    assert upstream.budget.used() == 0


def test_a_client_past_its_share_gives_the_half_open_probe_back(upstream, clock) -> None:
    upstream.breaker.open(30)
    clock.advance(31)
    upstream.budget.per_client = 1
    upstream.budget.spend("10.0.0.1")

    with pytest.raises(ShareSpent):
        upstream.call(lambda: "never", client="10.0.0.1")

    assert upstream.call(lambda: "probe", client="10.0.0.2") == "probe"


def test_a_success_resets_failures_counted_before_it(upstream) -> None:
    upstream.breaker.record_failure()

    assert upstream.call(lambda: "ok") == "ok"
    upstream.breaker.record_failure()

    assert upstream.breaker.state()["state"] == "closed"


def test_a_rejection_is_a_success_for_the_breaker(upstream) -> None:
    upstream.breaker.record_failure()

    def rejected() -> str:
        raise Rejected("no", status=401)

    with pytest.raises(Rejected):
        upstream.call(rejected)
    upstream.breaker.record_failure()

    assert upstream.breaker.state()["state"] == "closed"


def test_a_prepared_call_counts_only_under_a_taken_claim_and_release_uncounts_it(
    upstream, vcache
) -> None:
    taken, lost = vcache.state.shared.batch(), vcache.state.shared.batch()
    taken.claim("lease", "me", 60)
    counted = upstream.prepare(taken, "10.0.0.1", claimed=True)
    taken.send()
    lost.claim("lease", "other", 60)
    upstream.prepare(lost, "10.0.0.1", claimed=True)
    lost.send()

    assert upstream.budget.used() == 1
    upstream.release(counted)
    assert upstream.budget.used() == 0


# --- with single-flight: an open breaker answers at once, leading or waiting for no one ---------

NAME = "t:ns:tok:open"


def gated_flight(vcache, clock, upstream: Upstream, work) -> object:
    flight = SingleFlight(vcache.state, lease=5, wait=3.0, poll=1.0, clock=clock, sleep=clock.sleep)
    return flight.run_with(
        NAME,
        work,
        lambda: None,
        lambda batch: upstream.prepare(batch, "10.0.0.1", claimed=True),
        refuse=upstream.refuse_while_open,
    )


def never(_gate, _lease) -> str:
    raise AssertionError("no call may go out while the breaker is open")


def test_with_the_breaker_open_a_leader_gives_its_lease_back_at_once(
    vcache, clock, upstream
) -> None:
    upstream.breaker.open(30)
    started = clock.now

    with pytest.raises(Unavailable, match="breaker open"):
        gated_flight(vcache, clock, upstream, never)

    assert vcache.state.shared.get(vcache.state.key("lease", NAME)) is None
    assert upstream.budget.used() == 0
    assert clock.now == started


def test_with_the_breaker_open_no_one_waits_for_another_processs_lease(
    vcache, clock, upstream
) -> None:
    vcache.state.shared.set(vcache.state.key("lease", NAME), "another-process", 5)
    upstream.breaker.open(30)
    started = clock.now

    with pytest.raises(Unavailable, match="breaker open"):
        gated_flight(vcache, clock, upstream, never)

    assert clock.now == started  # no poll: before, it waited out the other's lease (3 s here)
    assert upstream.budget.used() == 0


def test_a_half_open_breaker_still_leads_its_probe(vcache, clock, upstream) -> None:
    upstream.breaker.open(30)
    clock.advance(31)

    result = gated_flight(
        vcache, clock, upstream, lambda gate, _lease: upstream.call(lambda: "probe", gate=gate)
    )

    assert result == "probe"
    assert upstream.breaker.state()["state"] == "closed"
