from django.urls import path

from . import views

urlpatterns = [
    path(
        "organizations/<str:organization_id>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("subscriptions/check", views.SubscriptionCheckView.as_view(), name="subscription-check"),
]
