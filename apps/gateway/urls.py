from django.urls import path

from . import views

urlpatterns = [
    path("auth/forward", views.ForwardAuthView.as_view(), name="auth-forward"),
]
