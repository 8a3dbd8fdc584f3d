"""The WSGI entry point, loaded in a fresh interpreter as gunicorn loads it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc; import config.wsgi as w; "
    "print(callable(w.application), gc.get_freeze_count() > 10_000, 'apps.gateway.views' in "
    "__import__('sys').modules)"
)


def test_the_loaded_application_is_frozen_out_of_the_garbage_collectors_reach() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["True", "True", "True"], result.stderr
