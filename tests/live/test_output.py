"""The live suite as an operator runs it, against each real-server profile: it prints no token,
even for a failing check, and leaves no session open at the auth server."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .secrets import Secret, seal

ROOT = Path(__file__).resolve().parents[2]
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.")
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("AUTH_LIVE_URL")), reason="runs the live suite against the local server"
)


def run_live_suite(
    url: str, email: str, password: str, name: str
) -> subprocess.CompletedProcess[str]:
    """Run tests/live/test_live_server.py as the README says, with every traceback detail on."""
    env = {
        **os.environ,
        "AUTH_LIVE_URL": url,
        "AUTH_LIVE_EMAIL": email,
        "AUTH_LIVE_PASSWORD": password,
        "TEST_RUN_ID": f"live{os.getpid()}{name}",
        "TEST_DATABASE_NAME": f"test_saas_live_{os.getpid()}_{name}",
    }
    command = [sys.executable, "-m", "pytest", "-m", "live", "tests/live/test_live_server.py"]
    return subprocess.run(
        [*command, "-p", "no:cacheprovider", "--showlocals", "--tb=long", "-rA"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("profile", ["token", "usermg"])
def test_a_failing_live_run_prints_no_token_and_leaves_no_session_open(
    auth_server_clean: Any, demo_users: Any, profile: str
) -> None:
    auth_server_clean.use_profile(profile)
    auth_server_clean.fault("status", status=500, paths=["/api/auth/refresh"])
    alice = demo_users["alice"]

    run = run_live_suite(auth_server_clean.url, alice.email, alice.password, profile)

    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "FAILED" in output
    assert re.search(r"FAILED .*test_refresh_", output)
    assert "passed" in output  # the other checks ran
    assert not JWT.search(output), "the live suite printed a token"
    assert alice.password not in output, "the live suite printed the password"
    assert auth_server_clean.open_sessions() == 0


def test_sealed_answers_keep_their_shape_and_hide_their_tokens() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"

    sealed = seal({"ok": True, "data": {"accessToken": token, "refreshToken": "opaque", "n": 1}})

    assert sealed.body == {
        "ok": True,
        "data": {"accessToken": "sealed.sealed.sealed", "refreshToken": "sealed", "n": 1},
    }
    assert sealed.secrets["accessToken"].reveal() == token
    assert token not in repr(sealed) + repr(sealed.secrets) + str(Secret(token))
