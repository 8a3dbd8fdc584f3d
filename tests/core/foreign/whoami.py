"""Migrate, call /whoami with the Bearer token read from standard input, print what it answered.

Also prints which modules of the host project (apps, config, ...) got imported: none may.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

HOST_PACKAGES = {"apps", "config", "authserver", "saas_admin", "tests"}

call_command("migrate", verbosity=0)
token = sys.stdin.read().strip()
try:
    response = Client().get("/whoami", headers={"Authorization": f"Bearer {token}"})
finally:
    caches["remote_auth"].delete_pattern("*")  # type: ignore[attr-defined]  # this prefix only
leaked = sorted(name for name in sys.modules if name.split(".")[0] in HOST_PACKAGES)
print(json.dumps({"status": response.status_code, "body": response.json(), "leaked": leaked}))
