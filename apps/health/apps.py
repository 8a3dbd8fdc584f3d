from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "apps.health"

    def ready(self) -> None:
        from . import checks  # noqa: F401  # registers the Redis settings check
