from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login_page, name="browser-login"),
    path("logout/", views.logout_page, name="browser-logout"),
    path("auth/refresh/", views.refresh, name="browser-refresh"),
    path("account/", views.account, name="browser-account"),
]
