"""When a subscription grants access: pure functions of a subscription, an instant and a grace.

    trial      counts through trial_ends_at
    active     counts through current_period_end
    past_due   counts through current_period_end + grace (SUBSCRIPTION_GRACE_DAYS)
    others     never count

Every end instant is inclusive, and nothing counts before a current_period_start that is set.
A missing end date means no access: forgetting a date must never grant access forever.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings

from .models import Subscription

Status = Subscription.Status


def grace_period() -> timedelta:
    """Return how long a past-due subscription keeps counting after its period ends."""
    return timedelta(days=int(getattr(settings, "SUBSCRIPTION_GRACE_DAYS", 7)))


def access_ends_at(subscription: Subscription, grace: timedelta) -> datetime | None:
    """Return the last instant the subscription counts, None when its status never counts."""
    if subscription.status == Status.TRIAL:
        return subscription.trial_ends_at
    if subscription.status == Status.ACTIVE:
        return subscription.current_period_end
    if subscription.status == Status.PAST_DUE and subscription.current_period_end:
        return subscription.current_period_end + grace
    return None


def is_active(subscription: Subscription, at: datetime, grace: timedelta) -> bool:
    """Return True when the subscription grants access at the instant `at`."""
    end = access_ends_at(subscription, grace)
    start = subscription.current_period_start
    return end is not None and at <= end and (start is None or start <= at)


def pick(
    subscriptions: Iterable[Subscription], at: datetime, grace: timedelta
) -> Subscription | None:
    """Return the subscription to report: the counting one lasting longest, else the newest."""
    candidates = list(subscriptions)
    counting = [s for s in candidates if is_active(s, at, grace)]
    if counting:
        return max(counting, key=lambda s: (access_ends_at(s, grace) or at, s.pk))
    return max(candidates, key=lambda s: (s.created_at, s.pk), default=None)
