"""The JSON shapes of organizations in API responses."""

from typing import Any

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
