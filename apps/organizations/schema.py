"""Response bodies and errors of the organization endpoints, for the OpenAPI schema only."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.openapi.responses import ErrorResponse

from .ids import _PATTERN, MAX_LENGTH
from .lookup import ORGANIZATION_QUERY_PARAM
from .models import Organization
from .roles import Role

Body = serializers.Serializer[dict[str, Any]]


class MembershipSerializer(Body):
    id = serializers.CharField(help_text="The auth server's organization id.")
    name = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, help_text="The caller's role in it.")
    status = serializers.ChoiceField(choices=Organization.Status.choices)


class OrganizationListSerializer(Body):
    organizations = MembershipSerializer(many=True)


class AuthServerViewSerializer(Body):
    products = serializers.ListField(child=serializers.CharField())
    licenses = serializers.DictField(help_text="As the auth server sent them.")


ID_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": f"^{_PATTERN.pattern}$",
    "maxLength": MAX_LENGTH,
}
ID_DESCRIPTION = "The auth server's organization id (any other id is answered 400 `invalid_id`)."
ORGANIZATION_ID = OpenApiParameter(
    "organization_id", ID_SCHEMA, OpenApiParameter.PATH, description=ID_DESCRIPTION
)
ORGANIZATION_ID_QUERY = OpenApiParameter(
    ORGANIZATION_QUERY_PARAM,
    ID_SCHEMA,
    OpenApiParameter.QUERY,
    required=True,
    description=ID_DESCRIPTION,
)

INVALID_ID = {"invalid_id": "the organization id is malformed"}
MISSING_PARAMETER = {"missing_parameter": "a required query parameter is missing or blank"}
ORGANIZATION_FORBIDDEN = ErrorResponse(
    "The caller is a member, but the membership grants nothing here.",
    {
        "organization_suspended": "the organization is suspended",
        "insufficient_role": "the caller's role is too low",
    },
)
ORGANIZATION_NOT_FOUND = ErrorResponse(
    "No such organization among the caller's: the same answer whether or not it exists.",
    {"not_found": "the organization does not exist or the caller is not an active member"},
)
