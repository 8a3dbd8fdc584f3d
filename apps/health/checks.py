"""System check of how Redis is reached (ids redis.E001…, from config.rediscache)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_redis_connection(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report REDIS_URL / REDIS_SENTINEL* / REDIS_TLS_* settings that disagree."""
    redis = getattr(settings, "REDIS", None)
    if redis is None:
        return []
    return [Error(p.message, hint=p.hint, id=p.id) for p in redis.problems()]
