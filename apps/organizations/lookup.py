"""Read what an organization-scoped request names: the organization id and query parameters."""

from typing import Any

from rest_framework.request import Request

from .exceptions import InvalidId, MissingParameter
from .ids import is_valid_organization_id

ORGANIZATION_URL_KWARG = "organization_id"
ORGANIZATION_QUERY_PARAM = "organizationId"


def required_query_param(request: Request, name: str) -> str:
    """Return the query parameter `name`; raise MissingParameter when it is absent or blank."""
    value = request.query_params.get(name)
    if value is None or not value.strip():
        raise MissingParameter(name)
    return str(value)


def organization_id(request: Request, view: Any) -> str:
    """Return the organization id from the view's URL kwarg, else its query parameter.

    Views rename them with `organization_url_kwarg` / `organization_query_param`. Raises
    MissingParameter when neither is given and InvalidId when the id is malformed.
    """
    kwarg = getattr(view, "organization_url_kwarg", ORGANIZATION_URL_KWARG)
    value = (getattr(view, "kwargs", None) or {}).get(kwarg)
    if value is None:
        param = getattr(view, "organization_query_param", ORGANIZATION_QUERY_PARAM)
        value = required_query_param(request, param)
    if not is_valid_organization_id(value):
        raise InvalidId()
    return str(value)
