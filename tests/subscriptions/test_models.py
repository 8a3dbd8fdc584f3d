"""Subscription validation: the dates a status is judged by must be there and in order."""

import pytest
from django.core.exceptions import ValidationError

from apps.organizations.models import Organization
from apps.subscriptions.models import Product, Subscription

from .factories import NOW, PERIOD_END


def sub(status: str, **fields: object) -> Subscription:
    """Return an unsaved subscription of organization "org" to teamspace."""
    organization, product = Organization(remote_id="org"), Product(code="teamspace")
    return Subscription(organization=organization, product=product, status=status, **fields)


@pytest.mark.parametrize(
    ("status", "field"),
    [
        ("trial", "trial_ends_at"),
        ("active", "current_period_end"),
        ("past_due", "current_period_end"),
    ],
)
def test_status_without_its_end_date_is_refused(status: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sub(status).clean()
    assert field in caught.value.message_dict


def test_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        sub("active", current_period_start=PERIOD_END, current_period_end=NOW).clean()
    assert "current_period_end" in caught.value.message_dict


@pytest.mark.parametrize("status", ["cancelled", "suspended", "expired"])
def test_stopped_subscription_needs_no_dates(status: str) -> None:
    sub(status).clean()


def test_complete_subscription_is_valid() -> None:
    sub("active", current_period_start=NOW, current_period_end=PERIOD_END).clean()


def test_names_read_well() -> None:
    subscription = sub("trial")
    assert str(subscription) == "org / teamspace (trial)"
    assert str(Product(code="teamspace", name="TeamSpace")) == "TeamSpace"
