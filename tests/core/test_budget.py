"""UpstreamBudget: a shared sliding-window budget of auth-server calls, on a fake clock."""

import contextlib

import pytest

from core.budget import WINDOW, UpstreamBudget
from core.exceptions import ShareSpent, Unavailable

PER_MINUTE = 10
MINUTE_START = WINDOW * 20_000  # the first second of a window


@pytest.fixture
def budget(vcache, clock) -> UpstreamBudget:
    clock.now = MINUTE_START
    return UpstreamBudget(vcache.state, per_minute=PER_MINUTE, clock=clock)


def spend(budget: UpstreamBudget, times: int) -> None:
    for _ in range(times):
        budget.spend()


def refused(budget: UpstreamBudget) -> Unavailable:
    with pytest.raises(Unavailable) as caught:
        budget.spend()
    return caught.value


def test_allows_per_minute_calls_then_refuses(budget):
    spend(budget, PER_MINUTE)

    error = refused(budget)
    assert error.retry_after == 60
    assert "budget" in error.reason


def test_retry_after_is_the_rest_of_the_window(budget, clock):
    clock.advance(15.2)
    spend(budget, PER_MINUTE)

    assert refused(budget).retry_after == 45


def test_sliding_window_counts_the_previous_minute_proportionally(budget, clock):
    clock.now = MINUTE_START - 30
    spend(budget, PER_MINUTE)
    clock.now = MINUTE_START + 30  # half of the previous minute still counts: 5 calls

    spend(budget, 5)

    assert refused(budget).retry_after == 30
    assert budget.used() == 10.0


def test_previous_minute_weighs_less_as_time_passes(budget, clock):
    clock.now = MINUTE_START - 1
    spend(budget, PER_MINUTE)
    clock.now = MINUTE_START + 54  # a tenth of the previous minute still counts: 1 call

    spend(budget, 9)

    refused(budget)


def test_minutes_before_the_previous_one_do_not_count(budget, clock):
    spend(budget, PER_MINUTE)
    clock.advance(2 * WINDOW)

    spend(budget, PER_MINUTE)


def test_refused_calls_are_not_counted(budget, clock):
    clock.now = MINUTE_START - 30
    spend(budget, PER_MINUTE)
    clock.now = MINUTE_START + 30
    spend(budget, 5)
    for _ in range(3):
        refused(budget)
    clock.now = MINUTE_START + 45  # previous minute now weighs 2.5: two more calls fit

    spend(budget, 2)

    refused(budget)
    assert budget.used() == 9.5


def test_budget_is_shared_between_workers(vcache, clock):
    clock.now = MINUTE_START
    first = UpstreamBudget(vcache.state, per_minute=PER_MINUTE, clock=clock)
    second = UpstreamBudget(vcache.state, per_minute=PER_MINUTE, clock=clock)

    spend(first, 6)
    spend(second, 4)

    refused(first)
    refused(second)


def test_per_minute_zero_disables_the_budget(vcache, clock):
    budget = UpstreamBudget(vcache.state, per_minute=0, clock=clock)

    spend(budget, 500)

    assert budget.used() == 0.0


def test_shared_cache_down_keeps_the_budget_in_process(broken_vcache, clock):
    budget = UpstreamBudget(broken_vcache.state, per_minute=2, clock=clock)

    spend(budget, 2)

    with pytest.raises(Unavailable):
        budget.spend()
    assert budget.used() == 2.0


def test_used_reports_zero_on_a_fresh_budget(budget):
    assert budget.used() == 0.0


# --- the client's share ----------------------------------------------------------------------


@pytest.fixture
def shared_budget(vcache, clock) -> UpstreamBudget:
    clock.now = MINUTE_START
    return UpstreamBudget(vcache.state, per_minute=PER_MINUTE, per_client=3, clock=clock)


def test_one_client_spends_only_its_share_and_others_keep_the_rest(shared_budget):
    for _ in range(3):
        shared_budget.spend("10.0.0.1")

    with pytest.raises(ShareSpent) as caught:
        shared_budget.spend("10.0.0.1")

    assert caught.value.retry_after == 60
    for _ in range(3):
        shared_budget.spend("10.0.0.2")
    assert shared_budget.used() == 6


def test_a_refused_share_spends_nothing_of_the_budget(shared_budget):
    for _ in range(20):
        with contextlib.suppress(ShareSpent):
            shared_budget.spend("10.0.0.1")

    assert shared_budget.used() == 3


def test_a_spent_budget_refunds_the_clients_share(vcache, clock):
    clock.now = MINUTE_START
    budget = UpstreamBudget(vcache.state, per_minute=1, per_client=2, clock=clock)
    budget.spend("10.0.0.9")
    with pytest.raises(Unavailable):
        budget.spend("10.0.0.1")
    budget.per_minute = 10

    budget.spend("10.0.0.1")
    budget.spend("10.0.0.1")  # the refused call above did not count toward its share


def test_share_zero_means_no_per_client_limit(vcache, clock):
    budget = UpstreamBudget(vcache.state, per_minute=PER_MINUTE, per_client=0, clock=clock)

    for _ in range(PER_MINUTE):
        budget.spend("10.0.0.1")

    assert budget.used() == PER_MINUTE
