from django.urls import path

from . import views

urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/<str:organization_id>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
]
