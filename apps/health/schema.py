"""Response bodies of the health probes, for the OpenAPI schema only."""

from typing import Any

from rest_framework import serializers

Body = serializers.Serializer[dict[str, Any]]


class LivenessSerializer(Body):
    status = serializers.ChoiceField(choices=["ok"])


class ProbeSerializer(Body):
    status = serializers.ChoiceField(choices=["up", "down"])
    latencyMs = serializers.FloatField()


class ReadinessChecksSerializer(Body):
    database = ProbeSerializer()
    cache = ProbeSerializer()
    authServer = ProbeSerializer()


class ReadinessSerializer(Body):
    status = serializers.ChoiceField(choices=["ready", "unavailable"])
    checks = ReadinessChecksSerializer()
