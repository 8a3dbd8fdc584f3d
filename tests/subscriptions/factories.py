"""Build products and subscriptions for tests."""

from datetime import UTC, datetime, timedelta
from typing import Any

from apps.organizations.models import Organization
from apps.subscriptions.models import Product, Subscription

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
PERIOD_END = datetime(2030, 1, 31, 23, 59, 59, tzinfo=UTC)
US = timedelta(microseconds=1)


def product(code: str = "teamspace") -> Product:
    """Return the product with `code`, creating it when the seed migration did not."""
    found, _ = Product.objects.get_or_create(code=code, defaults={"name": code.title()})
    return found


def make_subscription(
    organization: Organization, code: str = "teamspace", status: str = "active", **fields: Any
) -> Subscription:
    """Create a subscription; an active or past-due one ends at PERIOD_END unless told."""
    if status in ("active", "past_due"):
        fields.setdefault("current_period_end", PERIOD_END)
    if status == "trial":
        fields.setdefault("trial_ends_at", PERIOD_END)
    return Subscription.objects.create(
        organization=organization, product=product(code), status=status, **fields
    )
