"""The JSON shapes of organizations in API responses."""

from datetime import datetime, timedelta
from typing import Any

from apps.subscriptions.models import Subscription
from apps.subscriptions.presenters import subscription_json
from core.authentication import RemoteAuth

from .models import Membership


def membership_json(membership: Membership) -> dict[str, Any]:
    """Return an organization as one of its members sees it in a list."""
    organization = membership.organization
    return {
        "id": organization.remote_id,
        "name": organization.name,
        "role": membership.role,
        "status": organization.status,
    }


def auth_server_json(auth: Any, remote_id: str) -> dict[str, Any] | None:
    """Return what the auth server says the caller may use, for information only; None if unsaid."""
    if not isinstance(auth, RemoteAuth):
        return None
    identity = auth.identity
    if identity.organization is None or identity.organization.id != remote_id:
        return None
    return {"products": list(identity.products), "licenses": identity.licenses}


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
