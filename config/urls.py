"""URL wiring: every app's routes in one place."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", include("apps.health.urls")),
    path("api/", include("apps.authentication.urls")),
    path("api/", include("apps.organizations.urls")),
    path("api/", include("apps.subscriptions.urls")),
]
