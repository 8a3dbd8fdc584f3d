"""Organization-scoped DRF permissions: tenant isolation for every endpoint that names an org.

    IsOrganizationMember            an active membership of an active organization
    HasOrganizationRole("admin")    the same, with a role at least "admin"
                                    (owner > admin > manager > user > viewer)

The organization id comes from the URL kwarg `organization_id` or the query parameter
`organizationId` (see `lookup.organization_id`). A non-member gets 404 whether or not the
organization exists; a member of a suspended organization or with too low a role gets 403.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .exceptions import InsufficientRole, OrganizationNotFound, OrganizationSuspended
from .lookup import organization_id
from .models import Membership
from .roles import RANKS, Role, at_least

REQUEST_ATTRIBUTE = "organization_membership"


class IsOrganizationMember(BasePermission):
    """Grant active members of the organization the request names; raise for everyone else."""

    minimum_role: str = Role.VIEWER

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False  # DRF answers 401 before anything is looked up
        membership = find_membership(user, organization_id(request, view))
        if membership is None:
            raise OrganizationNotFound()
        if not membership.organization.is_active:
            raise OrganizationSuspended()
        if not at_least(membership.role, self.minimum_role):
            raise InsufficientRole()
        setattr(request, REQUEST_ATTRIBUTE, membership)
        return True


def HasOrganizationRole(minimum: str) -> type[IsOrganizationMember]:
    """Return a permission class granting active members whose role is at least `minimum`."""
    if minimum not in RANKS:
        raise ValueError(f"unknown organization role: {minimum!r}")
    return type(
        f"HasOrganizationRole_{minimum}", (IsOrganizationMember,), {"minimum_role": minimum}
    )


def find_membership(user: Any, remote_id: str) -> Membership | None:
    """Return the user's active membership of the organization with `remote_id`, or None."""
    return (
        Membership.objects.select_related("organization")
        .filter(user=user, organization__remote_id=remote_id, is_active=True)
        .first()
    )


def current_membership(request: Request) -> Membership:
    """Return the membership an organization permission granted this request."""
    membership = getattr(request, REQUEST_ATTRIBUTE, None)
    if not isinstance(membership, Membership):
        raise ImproperlyConfigured("add IsOrganizationMember to the view's permission_classes")
    return membership
