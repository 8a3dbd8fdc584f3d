"""Liveness (no dependencies) and readiness (the database; the cache and auth server as degradation)."""

import logging
import time
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.conf import remote_auth_settings
from core.wiring import default_reachability

from .schema import LivenessSerializer, ReadinessSerializer

logger = logging.getLogger(__name__)


class LivenessView(APIView):
    """Answer 200 while the process can serve requests."""

    authentication_classes: list[type] = []
    throttle_classes: list[type] = []  # probes and the auth server are never rate-limited
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


def check_auth_server() -> dict[str, object]:
    """Return what the auth server's health path says (cached a few seconds); raise when down."""
    reachability = default_reachability().check()
    if not reachability.up:
        raise ConnectionError(reachability.reason)
    return {"httpStatus": reachability.http_status, **reachability.details}


def probe(name: str, check: Callable[[], object]) -> dict[str, object]:
    """Run one check; return its status, latency in milliseconds and any details it returned."""
    started = time.perf_counter()
    details: object = None
    try:
        details = check()
        status = "up"
    except Exception as exc:  # a probe reports every failure instead of raising it
        logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
        status = "down"
    result: dict[str, object] = {
        "status": status,
        "latencyMs": round((time.perf_counter() - started) * 1000, 2),
    }
    if isinstance(details, dict):
        result["details"] = details
    return result


class ReadinessView(APIView):
    """Answer 503 only when the database is down; a down cache or auth server is "degraded" (200).

    Cached, local and service tokens keep working without Redis and the auth server, so taking the
    instance out of service for them would only turn a partial outage into a full one.
    """

    authentication_classes: list[type] = []
    throttle_classes: list[type] = []  # probes and the auth server are never rate-limited
    permission_classes = [AllowAny]
    required = {"database": check_database}
    optional = {"cache": check_cache, "authServer": check_auth_server}

    @extend_schema(
        operation_id="health_ready",
        summary="Readiness",
        description="Public. 503 only when the database is down. The cache (Redis) and the auth "
        "server are reported, and make the status `degraded` (still 200) when down. The auth "
        "server is up when it answers below 500 on `AUTH_HEALTH_PATH` (its body's `status`, "
        "`version`, `environment` and `database` are shown when present); it is asked at most "
        "once per few seconds per process and spends no upstream budget.",
        tags=["operations"],
        responses={
            200: OpenApiResponse(
                ReadinessSerializer, description="The database is up (`ready` or `degraded`)."
            ),
            503: OpenApiResponse(ReadinessSerializer, description="The database is down."),
        },
    )
    def get(self, request: Request) -> Response:
        checks = {**self.required, **self.optional}
        results = {name: probe(name, check) for name, check in checks.items()}
        verdict = readiness(results, self.required)
        return Response(
            {"status": verdict, "checks": results}, status=503 if verdict == "unavailable" else 200
        )


def readiness(results: dict[str, dict[str, object]], required: Iterable[str]) -> str:
    """Return "unavailable" when a required check is down, "degraded" when another is, else "ready"."""
    down = {name for name, result in results.items() if result["status"] != "up"}
    if down & set(required):
        return "unavailable"
    return "degraded" if down else "ready"
