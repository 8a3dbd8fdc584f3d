"""Who a service token belongs to: `request.user` and `request.auth` of a service-token request."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceAuth:
    """What `request.auth` holds for a service token: the service's name and its scopes."""

    name: str
    scopes: frozenset[str]
    fingerprint: str

    def allows(self, scope: str) -> bool:
        """Return True when the token was given `scope`."""
        return scope in self.scopes


@dataclass(frozen=True)
class ServicePrincipal:
    """What `request.user` is for a service token: authenticated, no Django user, no staff rights."""

    name: str
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_anonymous: bool = False

    @property
    def pk(self) -> str:
        """Return the key per-caller rate limits and logs use: the service's name."""
        return f"service:{self.name}"
