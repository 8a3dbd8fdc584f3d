"""What ForwardAuth answers about an authenticated caller: per-route requirements and headers.

The gateway states a route's requirements on the forward URL (`?role=admin`, `?scope=metrics:read`,
`?org=<id>`); an unmet one is a 403 `insufficient_role`, `insufficient_scope` or `not_a_member`.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import QueryDict

from apps.organizations.ids import is_valid_organization_id
from apps.organizations.permissions import find_membership
from apps.organizations.roles import at_least, known_role
from core.authentication import RemoteAuth
from core.conf import remote_auth_settings
from core.localcache import LocalTTLCache

from .exceptions import InsufficientRole, InsufficientScope, InvalidRequirement, NotAMember
from .headers import identity_headers
from .principal import ServiceAuth

NO_ROLE = ""  # cached: no active membership of an active organization


@dataclass(frozen=True)
class Requirements:
    """A route's requirements, read from the forward URL's query string; None: none stated."""

    role: str | None = None
    scope: str | None = None
    org: str | None = None

    @classmethod
    def from_query(cls, params: QueryDict) -> "Requirements":
        """Return the requirements; raise InvalidRequirement for an unknown role or a bad org id."""
        role, scope, org = params.get("role"), params.get("scope"), params.get("org")
        if role is not None and known_role(role) is None:
            raise InvalidRequirement()
        if org is not None and not is_valid_organization_id(org):
            raise InvalidRequirement()
        if scope is not None and not scope.strip():
            raise InvalidRequirement()
        return cls(known_role(role) if role else None, scope.strip() if scope else None, org)


def service_headers(auth: ServiceAuth, needs: Requirements) -> dict[str, str]:
    """Return a service's headers; raise when the route needs a scope it lacks or any org."""
    if needs.scope and not auth.allows(needs.scope):
        raise InsufficientScope()
    if needs.role or needs.org:
        raise NotAMember()  # a service belongs to no organization
    return identity_headers(
        {
            "X-Service-Name": auth.name,
            "X-Service-Scopes": ",".join(sorted(auth.scopes)),
            "X-Auth-Source": "service",
        }
    )


def user_headers(user: Any, auth: Any, needs: Requirements) -> dict[str, str]:
    """Return a user's headers; raise when the route needs a scope, a membership or a role."""
    if needs.scope:
        raise InsufficientScope()  # users carry no scopes; scopes are for service tokens
    remote = auth if isinstance(auth, RemoteAuth) else None
    org = remote.identity.organization if remote else None
    org_id = needs.org or (org.id if org else None)
    role = member_role(user, org_id)
    if (needs.org or needs.role) and role is None:
        raise NotAMember()
    if needs.role and role is not None and not at_least(role, needs.role):
        raise InsufficientRole()
    return identity_headers(
        {
            "X-User-Id": remote.identity.remote_id if remote else str(user.pk),
            "X-User-Email": user.email,
            "X-User-Roles": role,
            "X-Organization-Id": org_id,
            "X-Auth-Source": remote.source if remote else "local",
        }
    )


@cache
def member_roles() -> LocalTTLCache:
    """Return this process's cache of membership roles by (user, organization)."""
    return LocalTTLCache(int(remote_auth_settings.LOCAL_CACHE_SIZE))


def member_role(user: Any, org_id: str | None) -> str | None:
    """Return the user's role in active organization `org_id` by an active membership, else None.

    Remembered for LOCAL_CACHE_TTL seconds (as long as a revocation may take to reach this
    process), so a gateway's steady state reads no database, like `/api/auth/verify`'s.
    """
    if not org_id:
        return None
    key = f"{user.pk}:{org_id}"
    cached = member_roles().get(key)
    if cached is None:
        membership = find_membership(user, org_id)
        active = membership is not None and membership.organization.is_active
        cached = membership.role if membership and active else NO_ROLE
        member_roles().set(key, cached, float(remote_auth_settings.LOCAL_CACHE_TTL))
    return str(cached) or None


def caller_headers(user: Any, auth: Any, needs: Requirements) -> dict[str, str]:
    """Return the identity headers of an authenticated caller meeting the route's requirements."""
    if isinstance(auth, ServiceAuth):
        return service_headers(auth, needs)
    return user_headers(user, auth, needs)
