"""Which subscriptions grant access, at each boundary instant, without a clock that moves."""

from datetime import datetime, timedelta

import pytest
from django.test import override_settings

from apps.subscriptions.models import Subscription
from apps.subscriptions.rules import access_ends_at, grace_period, is_active, pick

from .factories import NOW, PERIOD_END, US

GRACE = timedelta(days=7)
START = PERIOD_END - timedelta(days=30)


def sub(status: str, **fields: object) -> Subscription:
    """Return an unsaved subscription (the rules need no database)."""
    return Subscription(status=status, **fields)


@pytest.mark.parametrize(
    ("at", "expected"),
    [(NOW, True), (PERIOD_END, True), (PERIOD_END + US, False)],
)
def test_active_counts_through_the_period_end(at: datetime, expected: bool) -> None:
    assert is_active(sub("active", current_period_end=PERIOD_END), at, GRACE) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [(NOW, True), (PERIOD_END, True), (PERIOD_END + US, False)],
)
def test_trial_counts_through_the_trial_end(at: datetime, expected: bool) -> None:
    assert is_active(sub("trial", trial_ends_at=PERIOD_END), at, GRACE) is expected


def test_trial_ignores_the_period_end() -> None:
    trial = sub("trial", trial_ends_at=PERIOD_END, current_period_end=NOW)
    assert is_active(trial, PERIOD_END, GRACE)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (PERIOD_END, True),
        (PERIOD_END + US, True),
        (PERIOD_END + GRACE, True),
        (PERIOD_END + GRACE + US, False),
    ],
)
def test_past_due_counts_through_the_grace_period(at: datetime, expected: bool) -> None:
    assert is_active(sub("past_due", current_period_end=PERIOD_END), at, GRACE) is expected


def test_past_due_without_grace_ends_with_the_period() -> None:
    past_due = sub("past_due", current_period_end=PERIOD_END)
    assert is_active(past_due, PERIOD_END, timedelta(0))
    assert not is_active(past_due, PERIOD_END + US, timedelta(0))


@pytest.mark.parametrize(("at", "expected"), [(START - US, False), (START, True)])
def test_nothing_counts_before_the_period_starts(at: datetime, expected: bool) -> None:
    active = sub("active", current_period_start=START, current_period_end=PERIOD_END)
    assert is_active(active, at, GRACE) is expected


@pytest.mark.parametrize("status", ["cancelled", "suspended", "expired"])
def test_other_statuses_never_count(status: str) -> None:
    stopped = sub(status, trial_ends_at=PERIOD_END, current_period_end=PERIOD_END)
    assert not is_active(stopped, NOW, GRACE)
    assert access_ends_at(stopped, GRACE) is None


@pytest.mark.parametrize("status", ["trial", "active", "past_due"])
def test_a_missing_end_date_never_grants_access(status: str) -> None:
    assert not is_active(sub(status), NOW, GRACE)
    assert access_ends_at(sub(status), GRACE) is None


def test_access_ends_at_the_end_the_status_is_judged_by() -> None:
    fields = {"trial_ends_at": NOW, "current_period_end": PERIOD_END}
    assert access_ends_at(sub("trial", **fields), GRACE) == NOW
    assert access_ends_at(sub("active", **fields), GRACE) == PERIOD_END
    assert access_ends_at(sub("past_due", **fields), GRACE) == PERIOD_END + GRACE


def test_grace_period_follows_the_setting() -> None:
    assert grace_period() == timedelta(days=7)
    with override_settings(SUBSCRIPTION_GRACE_DAYS=0):
        assert grace_period() == timedelta(0)


def test_pick_prefers_the_counting_subscription_lasting_longest() -> None:
    short = sub("active", current_period_end=PERIOD_END, created_at=NOW, pk=1)
    long = sub("trial", trial_ends_at=PERIOD_END + GRACE, created_at=NOW, pk=2)
    newest_stopped = sub("cancelled", created_at=PERIOD_END, pk=3)
    assert pick([short, newest_stopped, long], NOW, GRACE) is long


def test_pick_falls_back_to_the_newest_when_none_counts() -> None:
    old = sub("expired", created_at=NOW, pk=1)
    new = sub("cancelled", created_at=NOW + US, pk=2)
    assert pick([new, old], NOW, GRACE) is new


def test_pick_of_nothing_is_none() -> None:
    assert pick([], NOW, GRACE) is None
