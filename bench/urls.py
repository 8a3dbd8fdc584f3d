"""One endpoint per variant, `/bench/<key>`, differing only in their authentication classes."""

from django.urls import URLPattern, path
from rest_framework.permissions import AllowAny

from .auth import endpoint_classes
from .variants import NONE, VARIANTS, Variant
from .views import HelloView


def route(variant: Variant) -> URLPattern | None:
    """Return the URL pattern of a variant, or None when its library is not installed."""
    classes = endpoint_classes()[variant.key]
    if classes is None:
        return None
    permissions = {"permission_classes": [AllowAny]} if variant is NONE else {}
    view = HelloView.as_view(authentication_classes=classes, **permissions)
    return path(variant.path.lstrip("/"), view, name=f"bench-{variant.key}")


urlpatterns = [pattern for pattern in map(route, VARIANTS) if pattern is not None]
