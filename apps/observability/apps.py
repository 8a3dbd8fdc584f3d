from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "apps.observability"

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from core.metrics import StateCollector

        if not getattr(REGISTRY, "_saas_state_collector", False):
            REGISTRY.register(StateCollector())
            REGISTRY._saas_state_collector = True  # type: ignore[attr-defined]
