from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Remote authentication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers checks and signal receivers)
