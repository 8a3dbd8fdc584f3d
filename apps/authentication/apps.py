from django.apps import AppConfig


class AuthenticationConfig(AppConfig):
    name = "apps.authentication"
    label = "saas_authentication"
