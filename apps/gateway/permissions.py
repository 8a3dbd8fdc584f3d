"""`HasScope("metrics:read")`: a DRF permission granting service tokens given that scope.

A view listing it also accepts service tokens (see `authentication.accepts_service_tokens`).
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .exceptions import InsufficientScope
from .principal import ServiceAuth


class ScopePermission(BasePermission):
    """Grant a service token carrying `scope`; refuse every other caller with 403."""

    scope: str = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False  # DRF answers 401
        auth = request.auth
        if not isinstance(auth, ServiceAuth) or not auth.allows(self.scope):
            raise InsufficientScope()
        return True


def HasScope(scope: str) -> type[ScopePermission]:
    """Return a permission class granting service tokens given `scope`."""
    if not scope.strip():
        raise ValueError("a scope cannot be blank")
    return type(f"HasScope_{scope}", (ScopePermission,), {"scope": scope})
