"""drf-spectacular extensions: the Bearer scheme of core's authentication classes, simplejwt's views.

core is a library and knows nothing of drf-spectacular; these extensions describe it from outside.
They register themselves when this module is imported (OpenApiConfig.ready).
"""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiViewExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_simplejwt.serializers import TokenRefreshSerializer

from core.authentication import LocalJWTAuthentication, RemoteJWTAuthentication
from core.conf import remote_auth_settings

from .responses import WWW_AUTHENTICATE, ErrorResponse, validation_error

BEARER = "bearerAuth"
COOKIE = "cookieAuth"
FORWARDED_COOKIE = "forwardedCookieAuth"
BEARER_SCHEME: dict[str, Any] = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "An access token of the auth server (`POST /api/auth/login`), or a local "
    "token of SaaS Admin (`POST /api/token/`, service accounts and break-glass admins), or a "
    "service token (`sat_…`, `manage.py service_token`) where an endpoint accepts one.",
}
TOKEN_CLASSES = (RemoteJWTAuthentication, LocalJWTAuthentication)


class BearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """One `bearerAuth` scheme for both token classes: a client sends the same header to either.

    The component is registered here under one identity (not per class, which drf-spectacular
    would report as a name collision), and only the first token class of a view adds the
    requirement, so an operation lists `bearerAuth` once.
    """

    target_class = "core.authentication.RemoteJWTAuthentication"
    name: list[str] = []  # nothing for drf-spectacular to register per class; see above
    priority = 1  # above drf-spectacular's own extension for simplejwt's JWTAuthentication

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        auto_schema.registry.register_on_missing(
            ResolvedComponent(  # type: ignore[no-untyped-call]
                name=BEARER,
                type=ResolvedComponent.SECURITY_SCHEMA,
                object=BearerScheme,
                schema=BEARER_SCHEME,
            )
        )
        authenticators = auto_schema.view.get_authenticators()
        first = next(a for a in authenticators if isinstance(a, TOKEN_CLASSES))
        return [{BEARER: []}] if type(first) is type(self.target) else []

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return []


class LocalBearerScheme(BearerScheme):  # type: ignore[no-untyped-call]
    target_class = "core.authentication.LocalJWTAuthentication"


class ServiceBearerScheme(BearerScheme):  # type: ignore[no-untyped-call]
    """Service tokens (`Bearer sat_…`) share the one `bearerAuth` scheme; they add no requirement."""

    target_class = "apps.gateway.authentication.ServiceTokenAuthentication"


class CookieScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The browser's access-token cookie (README "Signing in with a browser")."""

    target_class = "core.authentication.CookieAuthentication"
    name = COOKIE

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": remote_auth_settings.ACCESS_COOKIE,
            "description": "The HttpOnly access-token cookie set by the sign-in page (`/login/`). "
            "A request with an `Authorization` header ignores it; unsafe methods also need "
            "Django's CSRF token in `X-CSRFToken` (else 403).",
        }


class ForwardedCookieScheme(CookieScheme):  # type: ignore[no-untyped-call]
    """The same cookie at ForwardAuth, where the gateway's original method decides the CSRF proof."""

    target_class = "apps.gateway.cookie.ForwardedCookieAuthentication"
    name = FORWARDED_COOKIE

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "The browser's access-token cookie, forwarded by the gateway. An unsafe original "
            "method (`X-Forwarded-Method` POST, PUT, PATCH, DELETE, or none stated) also needs "
            "Django's CSRF token in `X-CSRFToken` and a trusted `Origin` (else 403)."
        )
        return definition


INVALID_TOKEN = {"token_not_valid": "the refresh token is invalid, expired or blacklisted"}
NO_ACTIVE_ACCOUNT = {"no_active_account": "wrong credentials, or the account is inactive or gone"}


class TokenObtainPairViewScheme(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    """Document simplejwt's `POST /api/token/` with the errors it answers here."""

    target_class = "rest_framework_simplejwt.views.TokenObtainPairView"

    def view_replacement(self) -> type:
        @extend_schema_view(
            post=extend_schema(
                operation_id="token_obtain",
                summary="Obtain a local token pair",
                description="Local accounts only (service accounts, break-glass admins): exchange "
                "a username and password for an access and a refresh token of SaaS Admin.",
                tags=["tokens"],
                responses={
                    200: self.target().get_serializer_class(),
                    400: validation_error(),
                    401: ErrorResponse(
                        "The credentials are not accepted.",
                        NO_ACTIVE_ACCOUNT,
                        headers=WWW_AUTHENTICATE,
                    ),
                },
            )
        )
        class Documented(self.target):  # type: ignore[misc,name-defined]
            pass

        return Documented


class TokenRefreshViewScheme(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    """Document simplejwt's `POST /api/token/refresh/` with the errors it answers here."""

    target_class = "rest_framework_simplejwt.views.TokenRefreshView"

    def view_replacement(self) -> type:
        @extend_schema_view(
            post=extend_schema(
                operation_id="token_refresh",
                summary="Refresh a local token pair",
                description="Exchange a local refresh token for a new access token and a new refresh "
                "token; the old refresh token is blacklisted (rotation).",
                tags=["tokens"],
                # simplejwt's own serializer, whose output drf-spectacular knows (`refresh` rotates).
                request=TokenRefreshSerializer,
                responses={
                    200: TokenRefreshSerializer,
                    400: validation_error(),
                    401: ErrorResponse(
                        "The refresh token is not accepted.",
                        {**INVALID_TOKEN, **NO_ACTIVE_ACCOUNT},
                        headers=WWW_AUTHENTICATE,
                    ),
                },
            )
        )
        class Documented(self.target):  # type: ignore[misc,name-defined]
            pass

        return Documented
