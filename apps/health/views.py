"""Liveness (no dependencies) and readiness (database, cache, auth server) probes."""

import logging
import time
import uuid
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.conf import remote_auth_settings
from core.defaults import default_client

from .schema import LivenessSerializer, ReadinessSerializer

logger = logging.getLogger(__name__)


class LivenessView(APIView):
    """Answer 200 while the process can serve requests."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="health_live",
        summary="Liveness",
        description="Public. 200 while the process can serve requests; checks no dependency.",
        tags=["operations"],
        responses={200: LivenessSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


def check_database() -> None:
    """Run a trivial query; raise when the database does not answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    """Write and read back a probe key; raise when the value does not come back."""
    cache = caches[remote_auth_settings.CACHE_ALIAS]
    key, value = "health:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise ConnectionError("cache did not return the probe value")


def check_auth_server() -> None:
    """Call the auth server's /health; raise AuthServiceError when it is not healthy."""
    body = default_client().health()
    if body.get("status") not in ("healthy", "ok"):
        raise ConnectionError("auth server reports itself unhealthy")


def probe(name: str, check: Callable[[], None]) -> dict[str, object]:
    """Run one check and return its status and latency in milliseconds; any failure is "down"."""
    started = time.perf_counter()
    try:
        check()
        status = "up"
    except Exception as exc:  # a probe reports every failure instead of raising it
        logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
        status = "down"
    return {"status": status, "latencyMs": round((time.perf_counter() - started) * 1000, 2)}


class ReadinessView(APIView):
    """Answer 200 when the database, the cache and the auth server all answer; 503 otherwise."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    checks = {"database": check_database, "cache": check_cache, "authServer": check_auth_server}

    @extend_schema(
        operation_id="health_ready",
        summary="Readiness",
        description="Public. Checks the database, the cache and the auth server's `/health`.",
        tags=["operations"],
        responses={
            200: OpenApiResponse(ReadinessSerializer, description="Every check is up."),
            503: OpenApiResponse(ReadinessSerializer, description="At least one check is down."),
        },
    )
    def get(self, request: Request) -> Response:
        results = {name: probe(name, check) for name, check in self.checks.items()}
        ready = all(result["status"] == "up" for result in results.values())
        return Response(
            {"status": "ready" if ready else "unavailable", "checks": results},
            status=200 if ready else 503,
        )
