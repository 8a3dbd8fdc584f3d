"""The first step of the authentication pipeline: `Authorization: Bearer sat_…` service tokens.

A token with the `sat_` prefix is claimed here, before any JWT check or network call, so service
tokens never reach the auth server and keep working while it is down. Nothing is cached: each
request reads the token's row (one indexed query), so `service_token revoke` is refused at once
by every instance, durably. Only ForwardAuth and views with a `HasScope` permission accept them.
"""

import logging
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from core.authentication import (
    DATABASE_UNAVAILABLE,
    ExpiredToken,
    InvalidToken,
    MalformedHeader,
    ServiceUnavailable,
)
from core.conf import remote_auth_settings
from core.logcontext import bind
from core.metrics import record_verification
from core.tokens import fingerprint

from .models import ServiceToken
from .permissions import ScopePermission
from .principal import ServiceAuth, ServicePrincipal
from .tokenformat import MAX_LENGTH, digest, is_service_token

logger = logging.getLogger("core.verification")


class ServiceTokenNotAccepted(exceptions.PermissionDenied):
    default_detail = "This endpoint does not accept service tokens."
    default_code = "service_token_not_accepted"


def accepts_service_tokens(view: Any) -> bool:
    """Return True for ForwardAuth-like views and views guarded by a `HasScope` permission."""
    if getattr(view, "accepts_service_tokens", False):
        return True
    permissions = getattr(view, "permission_classes", ())
    return any(isinstance(p, type) and issubclass(p, ScopePermission) for p in permissions)


class ServiceTokenAuthentication(BaseAuthentication):
    """Authenticate `Authorization: Bearer sat_…`; leave every other credential to the next class."""

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[ServicePrincipal, ServiceAuth] | None:
        token = self.get_raw_token(request)
        if token is None:
            return None
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if not accepts_service_tokens(view):
            raise ServiceTokenNotAccepted()
        stored = self.lookup(token)
        principal = ServicePrincipal(stored.name)
        auth = ServiceAuth(stored.name, frozenset(stored.scopes), fingerprint(token))
        record_verification("ok", "service")
        bind(auth_source="service", token_fp=auth.fingerprint, user_id=principal.pk)
        return principal, auth

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{self.www_authenticate_realm}", error="invalid_token"'

    def get_raw_token(self, request: Request) -> str | None:
        """Return a Bearer service token, None for anything else; raise when it is malformed."""
        scheme, _, rest = str(request.META.get("HTTP_AUTHORIZATION", "")).partition(" ")
        token = rest.strip()
        if scheme.lower() != "bearer" or not is_service_token(token):
            return None
        if len(token) > MAX_LENGTH or not token.isascii() or not token.isprintable():
            raise MalformedHeader()
        return token

    def lookup(self, token: str) -> ServiceToken:
        """Return the token's row; raise 401 when it is unknown, revoked or expired, 503 when the
        database cannot answer."""
        now = timezone.now()
        try:
            stored = ServiceToken.objects.filter(digest=digest(token)).first()
            if stored is not None and stored.is_usable(now):
                stored.mark_used(now)
        except DATABASE_UNAVAILABLE as exc:
            raise ServiceUnavailable(wait=int(remote_auth_settings.RETRY_AFTER)) from exc
        if stored is None or stored.revoked_at is not None:
            self.refuse(token, "unknown or revoked")
            raise InvalidToken()
        if not stored.is_usable(now):
            self.refuse(token, "expired")
            raise ExpiredToken()
        return stored

    def refuse(self, token: str, reason: str) -> None:
        """Count and log a refused service token: never the token, only its fingerprint."""
        record_verification("rejected", "service")
        logger.info("service token refused fp=%s reason=%s", fingerprint(token), reason)
