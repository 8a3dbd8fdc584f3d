"""System checks of the edge settings (ids edge.E001, edge.W001)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from .ratelimit import configured_rate


@register()
def check_rate_limit(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report an API_RATE_LIMIT / API_RATE_BURST that cannot be read as a rate and a burst."""
    try:
        configured_rate()
    except (TypeError, ValueError):
        return [
            Error(
                f"API_RATE_LIMIT={settings.API_RATE_LIMIT!r} with API_RATE_BURST="
                f"{settings.API_RATE_BURST!r} is not a rate and a burst.",
                hint="E.g. API_RATE_LIMIT=100/min and API_RATE_BURST=50 (at least 1).",
                id="edge.E001",
            )
        ]
    return []


@register()
def check_rate_limit_store(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when a rate limit is set but the default cache is not Redis (it is then not applied)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not settings.API_RATE_LIMIT or backend.startswith("django_redis."):
        return []
    return [
        Warning(
            "API_RATE_LIMIT is set but the default cache is not Redis: no rate limit is applied.",
            hint="Set REDIS_URL.",
            id="edge.W001",
        )
    ]
