"""core/ is vendored by copying one folder and one settings block (README: "Using core/ in another
project"): a foreign project with nothing else of ours passes `manage.py check`, migrates and
authenticates a token of the local auth server, over real HTTP, with real Redis."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.fixtures.authserver import DemoUser, LocalAuthServer

ROOT = Path(__file__).resolve().parents[2]
FOREIGN = Path(__file__).resolve().parent / "foreign"
TIMEOUT = 120  # a subprocess that imports Django and migrates, on a loaded machine


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a folder holding a copy of core/ and the foreign project's files, nothing else."""
    shutil.copytree(ROOT / "core", tmp_path / "core", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manage.py", "settings.py", "urls.py", "whoami.py"):
        shutil.copy(FOREIGN / name, tmp_path / name)
    return tmp_path


def run(project: Path, auth_url: str, *args: str, stdin: str = "") -> Any:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env.update(
        FOREIGN_DATABASE=str(project / "db.sqlite3"),
        FOREIGN_REDIS_URL=settings.REDIS_URL,
        FOREIGN_KEY_PREFIX=f"foreign{settings.TEST_RUN_ID}-{uuid.uuid4().hex[:8]}",
        FOREIGN_AUTH_URL=auth_url,
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_manage_py_check_passes_with_only_core(project: Path, auth_server: LocalAuthServer) -> None:
    result = run(project, auth_server.url, "manage.py", "check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_token_of_the_auth_server_authenticates_in_the_foreign_project(
    project: Path, auth_server_clean: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    token = auth_server_clean.mint_token(demo_users["alice"].id)

    result = run(project, auth_server_clean.url, "whoami.py", stdin=token)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer["status"] == 200, answer
    assert answer["body"]["source"] == "remote"
    assert answer["body"]["username"]
    assert answer["leaked"] == []
    assert auth_server_clean.calls("GET /api/auth/me") == 1
