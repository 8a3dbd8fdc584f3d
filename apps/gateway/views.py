"""GET/HEAD /api/auth/forward: the gateway's "who is this?" (Traefik forwardAuth, nginx auth_request).

It authenticates through the project's authentication classes, the same pipeline as every API
request, so a cache hit costs what `/api/auth/verify`'s does. The original method and URI
(`X-Forwarded-Method`/`X-Forwarded-Uri`, or `X-Original-URI`) are logged, and the method decides
whether the browser's cookie needs a CSRF proof (apps.gateway.cookie). They grant nothing a caller
could not get by sending the header itself, and the gateway sets its own, so they are read from
any caller rather than only from TRUSTED_PROXIES.
"""

import logging
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.openapi.responses import ErrorResponse
from core.authentication import CookieAuthentication

from .cookie import ForwardedCookieAuthentication
from .forward import Requirements, caller_headers
from .headers import header_value

logger = logging.getLogger(__name__)

REQUIREMENTS = [
    OpenApiParameter(
        "role",
        str,
        description="At least this organization role (owner > admin "
        "> manager > user > viewer), else 403 `insufficient_role`.",
    ),
    OpenApiParameter(
        "scope", str, description="A service token with this scope, else 403 `insufficient_scope`."
    ),
    OpenApiParameter(
        "org", str, description="An active member of this organization, else 403 `not_a_member`."
    ),
]


def original_request(meta: dict[str, Any]) -> tuple[str, str]:
    """Return the gateway's original method and path (sanitised, for logs), '-' when not sent.

    The query string is dropped: it may carry a secret the log must not."""
    method = meta.get("HTTP_X_FORWARDED_METHOD") or "-"
    uri = meta.get("HTTP_X_FORWARDED_URI") or meta.get("HTTP_X_ORIGINAL_URI") or "-"
    return header_value(str(method))[:16], header_value(str(uri).partition("?")[0])[:256]


class ForwardAuthView(APIView):
    """GET/HEAD /api/auth/forward: 200 with identity headers, else 401 / 403 / 429 / 503."""

    remote_auth_allow_degraded = True  # a cached answer keeps the gateway open in an outage
    accepts_service_tokens = True

    def get_authenticators(self) -> list[BaseAuthentication]:
        """Return the default classes, the browser's cookie judged by the original request's CSRF
        proof (ForwardedCookieAuthentication) instead of ForwardAuth's own, always safe, GET."""
        return [
            ForwardedCookieAuthentication()
            if type(authenticator) is CookieAuthentication
            else authenticator
            for authenticator in super().get_authenticators()
        ]

    @extend_schema(
        operation_id="auth_forward",
        summary="ForwardAuth for a gateway",
        description="Answers 200 with `X-User-Id`, `X-User-Email`, `X-User-Roles`, "
        "`X-Organization-Id`, `X-Auth-Source` (users) or `X-Service-Name`, `X-Service-Scopes` "
        "(service tokens); an unmet per-route requirement is a 403. Also answers HEAD.",
        tags=["auth"],
        parameters=REQUIREMENTS,
        responses={
            200: None,
            400: ErrorResponse(
                "The forward URL's requirements are malformed.",
                {"invalid_requirement": "an unknown role, a blank scope or a malformed org id"},
            ),
            403: ErrorResponse(
                "The caller does not meet the route's requirements.",
                {
                    "insufficient_role": "the caller's role in the organization is too low",
                    "insufficient_scope": "the service token lacks the scope",
                    "not_a_member": "the caller is not an active member of the organization",
                    "permission_denied": "the browser cookie without the CSRF proof that an "
                    "unsafe original method (`X-Forwarded-Method`) needs",
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        headers = caller_headers(request.user, request.auth, Requirements.from_query(request.GET))
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("forward allowed method=%s uri=%s", *original_request(request.META))
        return Response(status=200, headers=headers)
