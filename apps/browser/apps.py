from django.apps import AppConfig


class BrowserConfig(AppConfig):
    name = "apps.browser"
    label = "browser"
    verbose_name = "Browser sign-in"
