from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "apps.edge"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
