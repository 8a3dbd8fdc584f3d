from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from . import revocations, views
from .throttling import PASSWORD_THROTTLES

urlpatterns = [
    path("auth/verify", views.VerifyView.as_view(), name="auth-verify"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/revocations", revocations.RevocationView.as_view(), name="auth-revocations"),
    path(
        "token/",
        TokenObtainPairView.as_view(throttle_classes=list(PASSWORD_THROTTLES)),
        name="token-obtain",
    ),
    path("token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
]
