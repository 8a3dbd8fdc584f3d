from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "apps.observability"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from prometheus_client import REGISTRY

        from core.metrics import StateCollector
        from core.wiring import breaker_state

        from .middleware import clear_context

        request_finished.connect(clear_context, dispatch_uid="observability.clear_context")

        if not getattr(REGISTRY, "_saas_state_collector", False):
            REGISTRY.register(StateCollector(breaker_state))
            REGISTRY._saas_state_collector = True  # type: ignore[attr-defined]
