"""Request bodies of the pass-through endpoints (camelCase, as the auth server speaks)."""

from rest_framework import serializers


class LoginSerializer(serializers.Serializer[dict[str, str]]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class RefreshSerializer(serializers.Serializer[dict[str, str]]):
    refreshToken = serializers.CharField(max_length=4096)


class LogoutSerializer(serializers.Serializer[dict[str, str]]):
    refreshToken = serializers.CharField(max_length=4096, required=False)
