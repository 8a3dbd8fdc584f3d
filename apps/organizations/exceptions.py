"""API errors of organization-scoped endpoints; the global handler renders them as {detail, code}."""

from rest_framework import exceptions, status


class InvalidId(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The organization id is malformed."
    default_code = "invalid_id"


class MissingParameter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "A required query parameter is missing."
    default_code = "missing_parameter"

    def __init__(self, name: str) -> None:
        super().__init__(f"The query parameter '{name}' is required.")


class OrganizationNotFound(exceptions.NotFound):
    """404 for an organization that does not exist or that the caller is not a member of."""

    default_detail = "No such organization."
    default_code = "not_found"


class OrganizationSuspended(exceptions.PermissionDenied):
    default_detail = "This organization is suspended."
    default_code = "organization_suspended"


class InsufficientRole(exceptions.PermissionDenied):
    default_detail = "Your role in this organization does not allow this."
    default_code = "insufficient_role"
