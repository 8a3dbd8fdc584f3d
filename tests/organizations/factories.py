"""Build organizations, memberships and identities for tests (shared with tests/subscriptions)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from apps.organizations.models import Membership, Organization
from core.identity import Identity
from core.identity import Organization as RemoteOrganization

ORG_A = "0b8f5a52-6c1e-4a8e-9a51-000000000a0a"
ORG_B = "0b8f5a52-6c1e-4a8e-9a51-000000000b0b"


def make_user(username: str = "user-1", **fields: Any) -> Any:
    """Create a local user with an unusable password."""
    user = get_user_model()(username=username, email=f"{username}@example.test", **fields)
    user.set_unusable_password()
    user.save()
    return user


def make_organization(
    remote_id: str = ORG_A, name: str = "Org A", status: str = "active"
) -> Organization:
    """Create an organization."""
    return Organization.objects.create(remote_id=remote_id, name=name, status=status)


def make_membership(
    user: Any,
    organization: Organization,
    role: str = "user",
    *,
    is_active: bool = True,
    origin: str = Membership.Origin.AUTH_SERVER,
) -> Membership:
    """Create a membership (mirrored unless `origin` says staff created it here)."""
    return Membership.objects.create(
        user=user, organization=organization, role=role, is_active=is_active, origin=origin
    )


def make_identity(
    remote_id: str = "remote-user-1",
    org_id: str | None = ORG_A,
    org_name: str | None = "Org A",
    role: str | None = None,
    *,
    stated: bool = False,
) -> Identity:
    """Return an Identity as core.identity.normalize would build it.

    `stated`: with no `org_id`, the auth server said "no organization" rather than nothing.
    """
    organization = RemoteOrganization(id=org_id, name=org_name) if org_id is not None else None
    return Identity(
        remote_id=remote_id,
        email=f"{remote_id}@example.test",
        role=role,
        organization=organization,
        organization_stated=stated or organization is not None,
    )


def make_staff(*permissions: str) -> Any:
    """Create a staff user (not a superuser) holding `permissions` ("subscriptions.view_product")."""
    user = make_user("staff", is_staff=True)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
