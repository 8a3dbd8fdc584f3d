"""URL wiring: every app's routes in one place."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.authentication.throttling import throttled
from apps.observability.views import metrics

urlpatterns = [
    path("admin/login/", throttled(admin.site.login)),  # before admin/: password guessing
    path("admin/", admin.site.urls),
    path("health/", include("apps.health.urls")),
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="openapi-docs"
    ),
    path("api/", include("apps.authentication.urls")),
    path("api/", include("apps.organizations.urls")),
    path("api/", include("apps.subscriptions.urls")),
]

handler400 = "apps.api.errors.bad_request"
handler404 = "apps.api.errors.not_found"
handler500 = "apps.api.errors.server_error"
