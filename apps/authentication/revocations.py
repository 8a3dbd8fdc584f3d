"""POST /api/auth/revocations: the auth server tells SaaS Admin to drop a user's tokens, or disable them.

Authenticated by an HMAC signature with REMOTE_AUTH["REVOCATION_SECRET"] (see core.signing); the
endpoint answers 404 while no secret is configured.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.openapi.responses import ErrorResponse, validation_error
from core.conf import remote_auth_settings
from core.revocation import revoke_user
from core.signing import SignatureRefused, check
from core.wiring import default_state

from .schema import RevocationResponseSerializer


class RevocationSerializer(serializers.Serializer[dict[str, Any]]):
    userId = serializers.CharField(max_length=254)
    action = serializers.ChoiceField(choices=["revoke_tokens", "disable_user"])


class SignatureNotAccepted(exceptions.AuthenticationFailed):
    # AuthenticationFailed, so DRF sends get_authenticate_header()'s WWW-Authenticate with the 401.
    default_detail = "The notification signature was not accepted."
    default_code = "bad_signature"


class RevocationView(APIView):
    """Revoke every cached token of a remote user, and optionally disable the local user."""

    authentication_classes: list[type] = []
    throttle_classes: list[type] = []  # probes and the auth server are never rate-limited
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_revocations",
        summary="Revoke a user's tokens (signed by the auth server)",
        description="For the auth server only: every cached token of the user answers 401 at "
        "once; `disable_user` also deactivates the local user. The body is signed with "
        "`AUTH_REVOCATION_SECRET`: `X-Auth-Signature: sha256=<hex HMAC-SHA256 of "
        '"<timestamp>.<body>">`. Answers 404 while no secret is configured.',
        tags=["auth"],
        request=RevocationSerializer,
        parameters=[
            OpenApiParameter(
                "X-Auth-Timestamp",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Unix time in seconds when the notification was signed.",
            ),
            OpenApiParameter(
                "X-Auth-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`.",
            ),
        ],
        responses={
            200: RevocationResponseSerializer,
            400: validation_error(),
            401: ErrorResponse(
                "The signature is not accepted.",
                {
                    "bad_signature": "missing, malformed or wrong signature or timestamp",
                    "stale_signature": "the timestamp is too far from now",
                    "replayed_signature": "this signature was used before",
                },
            ),
            404: ErrorResponse(
                "Revocations are off: `AUTH_REVOCATION_SECRET` is not set.",
                {"not_found": "no revocation secret is configured"},
            ),
        },
    )
    def post(self, request: Request) -> Response:
        secret = remote_auth_settings.REVOCATION_SECRET
        if not secret:
            raise Http404
        self.authenticate_notification(request, secret)
        body = RevocationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        remote_id, action = body.validated_data["userId"], body.validated_data["action"]
        if action == "disable_user":
            get_user_model().objects.filter(
                remote_identity__issuer=remote_auth_settings.ISSUER_ID,
                remote_identity__remote_id=remote_id,
            ).update(is_active=False)
        revoke_user(remote_id)
        return Response({"userId": remote_id, "action": action, "code": "revoked"})

    def authenticate_notification(self, request: Request, secret: str) -> None:
        """Raise 401 unless the body carries a fresh, unused signature made with `secret`."""
        try:
            check(
                default_state(),
                secret,
                timestamp=request.headers.get("X-Auth-Timestamp", ""),
                signature=request.headers.get("X-Auth-Signature", ""),
                body=request.body,
                max_skew=float(remote_auth_settings.REVOCATION_MAX_SKEW),
            )
        except SignatureRefused as exc:
            raise SignatureNotAccepted(code=exc.code) from exc

    def get_authenticate_header(self, request: Request) -> str:
        return 'HMAC realm="revocations"'
