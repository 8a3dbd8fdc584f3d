from django.apps import AppConfig


class OpenApiConfig(AppConfig):
    """OpenAPI description of the API: drf-spectacular extensions and shared error components."""

    name = "apps.openapi"
    label = "openapi"

    def ready(self) -> None:
        from . import extensions  # noqa: F401  (extensions register themselves on import)
