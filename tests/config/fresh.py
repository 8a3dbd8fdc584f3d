"""Settings and entry points checked as a server loads them: in a fresh interpreter."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fresh(
    module: str, *command: str, drop: Callable[[str], bool] = lambda name: False, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `python *command` with settings `module`: this environment without the variables
    `drop` names, plus `env`."""
    kept = {name: value for name, value in os.environ.items() if not drop(name)}
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**kept, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
