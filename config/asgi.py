"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from .loaded import serve_loaded

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_asgi_application()
serve_loaded()
