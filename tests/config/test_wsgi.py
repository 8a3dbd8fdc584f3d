"""The WSGI and ASGI entry points, each loaded in a fresh interpreter as a server loads it."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc; import config.{} as w; "
    "print(callable(w.application), gc.get_freeze_count() > 10_000, 'apps.gateway.views' in "
    "__import__('sys').modules)"
)


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_the_loaded_application_is_frozen_out_of_the_garbage_collectors_reach(entry) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(entry)],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["True", "True", "True"], result.stderr
