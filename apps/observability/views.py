"""GET /metrics: Prometheus metrics, for allowed networks only (never public).

The client is `core.clientaddr.client_address`: behind a trusted reverse proxy, the address the
proxy forwarded, so a same-host proxy does not make every caller look like loopback.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from core.clientaddr import client_address
from core.metrics import StateCollector
from core.wiring import breaker_state


def allowed(request: HttpRequest) -> bool:
    """Return True when the client address is inside METRICS_ALLOWED_NETWORKS."""
    client = client_address(request.META)
    return client is not None and any(
        client in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


def registry() -> CollectorRegistry:
    """Return the registry to expose: every worker's when running multi-process."""
    if not settings.PROMETHEUS_MULTIPROC_DIR:
        return REGISTRY
    merged = CollectorRegistry()
    MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
    merged.register(StateCollector(breaker_state))
    return merged


def metrics(request: HttpRequest) -> HttpResponse:
    """Return the metrics in Prometheus text format, or 404 to anyone not allowed."""
    if not allowed(request):
        return HttpResponse(status=404)
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
