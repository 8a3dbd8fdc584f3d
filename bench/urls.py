"""One endpoint per variant, `/bench/<key>`, differing only in their authentication classes."""

from django.urls import URLPattern, path
from rest_framework.permissions import AllowAny

from apps.gateway.views import ForwardAuthView

from .auth import endpoint_classes
from .variants import FORWARD, NONE, VARIANTS, Variant
from .views import HelloView


def route(variant: Variant) -> URLPattern | None:
    """Return the URL pattern of a variant, or None when its library is not installed."""
    classes = endpoint_classes()[variant.key]
    if classes is None:
        return None
    permissions = {"permission_classes": [AllowAny]} if variant is NONE else {}
    view_class = ForwardAuthView if variant is FORWARD else HelloView
    view = view_class.as_view(authentication_classes=classes, **permissions)
    return path(variant.path.lstrip("/"), view, name=f"bench-{variant.key}")


urlpatterns = [pattern for pattern in map(route, VARIANTS) if pattern is not None]
