"""Response bodies of the authentication endpoints, for the OpenAPI schema only (views build dicts)."""

from typing import Any, get_args

from rest_framework import serializers

from apps.openapi.responses import ErrorResponse
from core.vocabulary import Source

Body = serializers.Serializer[dict[str, Any]]


class OrganizationRefSerializer(Body):
    id = serializers.CharField(help_text="The auth server's organization id.")
    name = serializers.CharField(allow_null=True)


class CallerSerializer(Body):
    id = serializers.IntegerField(help_text="SaaS Admin's user id.")
    remoteId = serializers.CharField(allow_null=True, help_text="The auth server's user id.")
    email = serializers.CharField()
    firstName = serializers.CharField()
    lastName = serializers.CharField()


class VerificationSerializer(Body):
    # DRF's metaclass pops declared fields, so this does not hide Field.source at run time.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[*get_args(Source), "local"],
        help_text="Where the token was verified: a cache, the auth server, its signature here "
        "(`jwks`, AUTH_VERIFY_MODE=jwks), or (`grace`, `degraded`) without the auth server while "
        "it is down.",
    )
    degraded = serializers.BooleanField()


class VerifyResponseSerializer(Body):
    user = CallerSerializer()
    organization = OrganizationRefSerializer(allow_null=True)
    authSource = serializers.ChoiceField(choices=["remote", "local"])
    verification = VerificationSerializer()


class LoginUserSerializer(Body):
    remoteId = serializers.CharField()
    email = serializers.CharField(allow_null=True)


class LoginResponseSerializer(Body):
    accessToken = serializers.CharField()
    refreshToken = serializers.CharField(allow_null=True)
    user = LoginUserSerializer()
    organization = OrganizationRefSerializer(allow_null=True)


class RefreshResponseSerializer(Body):
    accessToken = serializers.CharField()
    refreshToken = serializers.CharField(allow_null=True, help_text="Set when rotated.")


class LogoutResponseSerializer(Body):
    loggedOut = serializers.BooleanField(
        help_text="Always true: the token is refused here at once."
    )
    upstreamConfirmed = serializers.BooleanField(
        help_text="Whether the auth server confirmed the logout (any 2xx)."
    )
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["logged_out"])


class RevocationResponseSerializer(Body):
    userId = serializers.CharField()
    action = serializers.ChoiceField(choices=["revoke_tokens", "disable_user"])
    code = serializers.ChoiceField(choices=["revoked"])


ACCOUNT_NOT_ALLOWED = ErrorResponse(
    "The auth server refuses this account.",
    {"account_not_allowed": "the account is unverified or disabled"},
)
LOGIN_IDENTITY_UNKNOWN = ErrorResponse(
    "The auth server signed the caller in but would not say who they are; that session was "
    "logged out again.",
    {"login_identity_unknown": "neither the login answer nor `/me` carries a usable user"},
)
LOGIN_IDENTITY_UNAVAILABLE = ErrorResponse(
    "The auth server signed the caller in but could not say who they are right now.",
    {
        "login_identity_unavailable": "the login answer carries no user and `/me` could not "
        "answer; that session was logged out again"
    },
)
REJECTED = {"rejected": "the auth server rejected the request for another reason"}
