"""Response bodies of the health probes, for the OpenAPI schema only."""

from typing import Any

from rest_framework import serializers

Body = serializers.Serializer[dict[str, Any]]


class LivenessSerializer(Body):
    status = serializers.ChoiceField(choices=["ok"])


class ProbeSerializer(Body):
    status = serializers.ChoiceField(choices=["up", "down"])
    latencyMs = serializers.FloatField()


class AuthServerDetailsSerializer(Body):
    httpStatus = serializers.IntegerField(
        allow_null=True, help_text="Its answer on the health path (below 500: up)."
    )
    status = serializers.CharField(required=False, help_text="As its health body says, if it does.")
    version = serializers.CharField(required=False)
    environment = serializers.CharField(required=False)
    database = serializers.CharField(required=False)


class AuthServerProbeSerializer(ProbeSerializer):
    details = AuthServerDetailsSerializer(required=False, help_text="Present when it is up.")


class ReadinessChecksSerializer(Body):
    database = ProbeSerializer()
    cache = ProbeSerializer()
    authServer = AuthServerProbeSerializer()


class ReadinessSerializer(Body):
    status = serializers.ChoiceField(
        choices=["ready", "degraded", "unavailable"],
        help_text="`unavailable` (503) only when the database is down; `degraded` (200) when the "
        "cache or the auth server is.",
    )
    checks = ReadinessChecksSerializer()
