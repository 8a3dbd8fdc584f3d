"""Request bodies of the pass-through endpoints (camelCase, as the auth server speaks), and the
serializer of local token refresh (SIMPLE_JWT["TOKEN_REFRESH_SERIALIZER"])."""

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenRefreshSerializer


class LoginSerializer(serializers.Serializer[dict[str, str]]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class RefreshSerializer(serializers.Serializer[dict[str, str]]):
    refreshToken = serializers.CharField(max_length=4096)


class LogoutSerializer(serializers.Serializer[dict[str, str]]):
    refreshToken = serializers.CharField(max_length=4096, required=False)


class LocalTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, where the token of a deleted user is a 401 `no_active_account` (not a 500)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            data: dict[str, str] = super().validate(attrs)
        except get_user_model().DoesNotExist as exc:
            raise AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            ) from exc
        return data
