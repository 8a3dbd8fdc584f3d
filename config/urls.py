"""URL wiring: every app's routes in one place."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.authentication.throttling import throttled
from apps.observability.views import metrics

admin.site.site_header = admin.site.site_title = "SaaS Admin"
admin.site.index_title = "Organizations, subscriptions and sign-in"

urlpatterns = [
    path("admin/login/", throttled(admin.site.login)),  # before admin/: password guessing
    path("admin/", admin.site.urls),
    path("health/", include("apps.health.urls")),
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    # Its init script is a file (GET /api/docs/?script), not inline: the CSP allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="openapi-schema", template_name="openapi/swagger_ui.html"
        ),
        name="openapi-docs",
    ),
    path("api/", include("apps.authentication.urls")),
    path("api/", include("apps.gateway.urls")),
    path("api/", include("apps.organizations.urls")),
    path("api/", include("apps.subscriptions.urls")),
    path("", include("apps.browser.urls")),
]

handler400 = "apps.api.errors.bad_request"
handler404 = "apps.api.errors.not_found"
handler500 = "apps.api.errors.server_error"
