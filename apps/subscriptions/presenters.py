"""The JSON shapes of subscriptions in API responses, alone and in an organization's detail."""

from datetime import datetime, timedelta
from typing import Any

from apps.organizations.models import Membership
from apps.organizations.presenters import auth_server_json, membership_json

from .models import Subscription
from .rules import access_ends_at, is_active


def limits_json(subscription: Subscription) -> dict[str, int | None]:
    """Return the subscription's limits; None means no limit."""
    return {"maxUsers": subscription.max_users, "storageGb": subscription.storage_gb}


def subscription_summary(subscription: Subscription, grace: timedelta) -> dict[str, Any]:
    """Return the short form the check endpoint answers with."""
    return {
        "status": subscription.status,
        "tier": subscription.tier,
        "expiresAt": access_ends_at(subscription, grace),
        "limits": limits_json(subscription),
    }


def subscription_json(subscription: Subscription, at: datetime, grace: timedelta) -> dict[str, Any]:
    """Return the full form listed in an organization's detail."""
    return {
        "productCode": subscription.product.code,
        "productName": subscription.product.name,
        **subscription_summary(subscription, grace),
        "isActive": is_active(subscription, at, grace),
        "trialEndsAt": subscription.trial_ends_at,
        "currentPeriodStart": subscription.current_period_start,
        "currentPeriodEnd": subscription.current_period_end,
    }


def check_json(
    organization_id: str,
    product_code: str,
    chosen: Subscription | None,
    at: datetime,
    grace: timedelta,
) -> dict[str, Any]:
    """Return the answer of the subscription check."""
    return {
        "organizationId": organization_id,
        "productCode": product_code,
        "hasActiveSubscription": chosen is not None and is_active(chosen, at, grace),
        "subscription": subscription_summary(chosen, grace) if chosen else None,
    }


def organization_json(
    membership: Membership,
    subscriptions: list[Subscription],
    auth: Any,
    at: datetime,
    grace: timedelta,
) -> dict[str, Any]:
    """Return an organization's detail: the caller's role, its subscriptions, the auth server's view."""
    return {
        **membership_json(membership),
        "subscriptions": [subscription_json(s, at, grace) for s in subscriptions],
        "authServer": auth_server_json(auth, membership.organization.remote_id),
    }
