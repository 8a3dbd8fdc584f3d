from django.urls import path

from . import views

urlpatterns = [
    path("subscriptions/check", views.SubscriptionCheckView.as_view(), name="subscription-check"),
]
