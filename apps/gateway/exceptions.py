"""ForwardAuth's refusals of a per-route requirement; the global handler renders {detail, code}."""

from rest_framework import exceptions, status

from apps.organizations.exceptions import InsufficientRole

__all__ = ["InsufficientRole", "InsufficientScope", "InvalidRequirement", "NotAMember"]


class InsufficientScope(exceptions.PermissionDenied):
    default_detail = "This credential was not given the scope this route needs."
    default_code = "insufficient_scope"


class NotAMember(exceptions.PermissionDenied):
    default_detail = "The caller is not an active member of the organization this route needs."
    default_code = "not_a_member"


class InvalidRequirement(exceptions.APIException):
    """400: the gateway's forward URL names an unknown role or a malformed organization id."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The forward URL's requirements are malformed (role, scope or org)."
    default_code = "invalid_requirement"
