"""SaaS Admin's authentication endpoints: who am I, and login / refresh / logout pass-through."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.openapi.extensions import BEARER
from apps.openapi.responses import (
    AUTH_SERVICE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    WWW_AUTHENTICATE,
    ErrorResponse,
    validation_error,
)
from core.authentication import (
    RemoteAuth,
    RemoteJWTAuthentication,
    auth_service_unavailable,
)
from core.conf import remote_auth_settings
from core.exceptions import BadResponse
from core.revocation import revoke_token
from core.tokens import NotServerToken, is_local, unverified_claims
from core.wiring import default_client, server_token_format

from .exceptions import InvalidRefreshToken
from .login import close_session, forward, gate_for, sign_in
from .logout import keep_unconfirmed_logout, log_out_local
from .schema import (
    ACCOUNT_NOT_ALLOWED,
    LOGIN_IDENTITY_UNAVAILABLE,
    LOGIN_IDENTITY_UNKNOWN,
    REJECTED,
    LoginResponseSerializer,
    LogoutResponseSerializer,
    RefreshResponseSerializer,
    VerifyResponseSerializer,
)
from .serializers import LoginSerializer, LogoutSerializer, RefreshSerializer
from .throttling import (
    AccountRateThrottle,
    LoginRateThrottle,
    LogoutRateThrottle,
    RefreshRateThrottle,
)

LOGGED_OUT = {"detail": "Logged out.", "code": "logged_out"}


def user_body(user: Any, auth: Any) -> dict[str, Any]:
    """Return the caller as SaaS Admin sees them."""
    remote = auth if isinstance(auth, RemoteAuth) else None
    org = remote.identity.organization if remote else None
    return {
        "user": {
            "id": user.pk,
            "remoteId": remote.identity.remote_id if remote else None,
            "email": user.email,
            "firstName": user.first_name,
            "lastName": user.last_name,
        },
        "organization": {"id": org.id, "name": org.name} if org else None,
        "authSource": "remote" if remote else "local",
        "verification": {"source": remote.source, "degraded": remote.degraded}
        if remote
        else {"source": "local", "degraded": False},
    }


class VerifyView(APIView):
    """GET /api/auth/verify: the authenticated caller."""

    @extend_schema(
        operation_id="auth_verify",
        summary="Who am I",
        description="The caller as SaaS Admin sees them, and how the token was verified.",
        tags=["auth"],
        responses={200: VerifyResponseSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(user_body(request.user, request.auth))


class PassThroughView(APIView):
    """Base of the endpoints that forward to the auth server for single-origin front ends."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def upstream(self, call: Any, *, own_limit: bool = False, **kwargs: Any) -> Any:
        """Return `call(**kwargs)`, run under the breaker, the budget and this client's share."""
        return gate_for(self.request.META)(call, own_limit=own_limit, **kwargs)

    def forward(self, call: Any, rejected: type[Exception], **kwargs: Any) -> dict[str, Any]:
        """Call the auth server through `login.forward` (its refusals, outages, spent shares)."""
        return forward(self.upstream, call, rejected, **kwargs)


class LoginView(PassThroughView):
    """POST /api/auth/login: sign in at the auth server; returns its tokens and the identity."""

    throttle_classes = [LoginRateThrottle, AccountRateThrottle]

    @extend_schema(
        operation_id="auth_login",
        summary="Log in at the auth server",
        description="Public, throttled per client address and per account from that address, "
        "and counted in the client's share of the calls to the auth server. Forwards the "
        "credentials to the auth server and answers its tokens with the identity; no session is "
        "kept here. When the auth server's login answer carries no user, SaaS Admin asks its "
        "`/me` with the new token; if that fails too, the new session is logged out again and "
        "the answer says why (`login_identity_unavailable` 503, `login_identity_unknown` 502).",
        tags=["auth"],
        request=LoginSerializer,
        responses={
            200: LoginResponseSerializer,
            400: validation_error(**REJECTED),
            401: ErrorResponse(
                "The credentials are not accepted.",
                {"invalid_credentials": "wrong e-mail or password"},
            ),
            403: ACCOUNT_NOT_ALLOWED,
            429: TOO_MANY_REQUESTS,
            502: LOGIN_IDENTITY_UNKNOWN,
            503: AUTH_SERVICE_UNAVAILABLE.merged(LOGIN_IDENTITY_UNAVAILABLE),
        },
    )
    def post(self, request: Request) -> Response:
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signed_in = sign_in(self.upstream, **body.validated_data)
        org = signed_in.identity.organization
        return Response(
            {
                "accessToken": signed_in.access,
                "refreshToken": signed_in.refresh,
                "user": {
                    "remoteId": signed_in.identity.remote_id,
                    "email": signed_in.identity.email,
                },
                "organization": {"id": org.id, "name": org.name} if org else None,
            }
        )


class RefreshView(PassThroughView):
    """POST /api/auth/refresh: exchange a refresh token for a new access token."""

    throttle_classes = [RefreshRateThrottle]

    @extend_schema(
        operation_id="auth_refresh",
        summary="Refresh at the auth server",
        description="Public, throttled per client address and counted in its share of the calls "
        "to the auth server. Exchanges a refresh token of the auth server for a new access token "
        "(and a rotated refresh token when the auth server rotates them).",
        tags=["auth"],
        request=RefreshSerializer,
        responses={
            200: RefreshResponseSerializer,
            400: validation_error(**REJECTED),
            401: ErrorResponse(
                "The refresh token is not accepted.",
                {"refresh_token_not_valid": "the refresh token is invalid or has expired"},
            ),
            403: ACCOUNT_NOT_ALLOWED,
            429: TOO_MANY_REQUESTS,
            503: AUTH_SERVICE_UNAVAILABLE,
        },
    )
    def post(self, request: Request) -> Response:
        body = RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = self.forward(
            default_client().refresh,
            InvalidRefreshToken,
            refresh_token=body.validated_data["refreshToken"],
        )
        token = data.get("accessToken")
        if not isinstance(token, str):
            raise auth_service_unavailable(BadResponse("refresh answer has no accessToken"))
        return Response({"accessToken": token, "refreshToken": data.get("refreshToken")})


class LogoutView(PassThroughView):
    """POST /api/auth/logout: end the session upstream and make the access token 401 here at once."""

    throttle_classes = [LogoutRateThrottle]

    @extend_schema(
        operation_id="auth_logout",
        summary="Log out",
        description="Public, throttled per client address; send the access token to log out. "
        "It answers 401 here at once, on every instance, until it expires, and the session ends "
        "at the auth server: the access token goes to it in the `Authorization` header and the "
        "body, with the refresh token when given. Best effort: this answers 200 even when the "
        "auth server cannot be reached; `upstreamConfirmed` says whether it confirmed the "
        "logout. A local (simplejwt) access token is refused until it expires and the "
        "`refreshToken` sent with it is blacklisted (`upstreamConfirmed` is false: the auth "
        "server is not asked). A value without a readable `exp` stores nothing, and one the auth "
        "server cannot have issued (`AUTH_TOKEN_FORMAT=jwt`) is not sent to it either.",
        tags=["auth"],
        request=LogoutSerializer,
        auth=[{BEARER: []}, {}],  # type: ignore[list-item]  # security requirements, not names
        responses={
            200: LogoutResponseSerializer,
            400: validation_error(),
            401: ErrorResponse(
                "The Authorization header is malformed.",
                {"bad_authorization_header": "the header is not `Bearer <token>`"},
                headers=WWW_AUTHENTICATE,
            ),
            429: TOO_MANY_REQUESTS,
        },
    )
    def post(self, request: Request) -> Response:
        body = LogoutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token = RemoteJWTAuthentication().get_raw_token(request)
        if token and is_local(unverified_claims(token), remote_auth_settings.LOCAL_ISSUER):
            log_out_local(token, body.validated_data.get("refreshToken"))
            return Response({**LOGGED_OUT, "loggedOut": True, "upstreamConfirmed": False})
        token = token if token and could_be_servers(token) else None
        refresh = body.validated_data.get("refreshToken")
        if token:
            revoke_token(token)
        # The local revocation stands whether or not the auth server confirms; with nothing it
        # could have issued, the auth server is not asked at all.
        confirmed = bool(token or refresh) and close_session(
            self.upstream, default_client(), refresh, token
        )
        if token and not confirmed:
            keep_unconfirmed_logout(token)
        return Response({**LOGGED_OUT, "loggedOut": True, "upstreamConfirmed": confirmed})

    def get_authenticate_header(self, request: Request) -> str:
        """Keep a malformed Bearer header a 401 with its challenge (DRF makes it a 403 otherwise)."""
        return RemoteJWTAuthentication().authenticate_header(request)


def could_be_servers(token: str) -> bool:
    """Return False when `token` cannot be the auth server's (AUTH_TOKEN_FORMAT): junk is neither
    stored nor sent upstream."""
    token_format = server_token_format()
    if token_format is None:
        return True
    try:
        token_format.check(token)
    except NotServerToken:
        return False
    return True
