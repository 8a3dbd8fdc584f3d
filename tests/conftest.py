"""Shared fixtures: real PostgreSQL and Redis (config.settings.test) and the local auth server."""

import contextlib
import json
import logging
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.fixtures")

import redis
from django.core.cache import caches
from rest_framework.test import APIClient

from core.wiring import reset_defaults
from tests.fixtures.authserver import load_demo_users
from tests.fixtures.ports import reserved_port

pytest_plugins = ["tests.fixtures.authserver", "tests.fixtures.api_server", "tests.fixtures.nginx"]


JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.")
SECRETS = [user.password for user in load_demo_users().values()]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage() + (self.format(record) if record.exc_info else ""))


@pytest.fixture(autouse=True)
def _no_secret_in_logs() -> Iterator[None]:
    """Fail any test during which a log record carried a token or a demo password."""
    recorder = _Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    level = root.level
    root.setLevel(logging.DEBUG)
    yield
    root.setLevel(level)
    root.removeHandler(recorder)
    leaks = [line for line in recorder.lines if JWT.search(line) or any(s in line for s in SECRETS)]
    assert not leaks, f"{len(leaks)} log record(s) carry a token or a password"


def on_redis(caches_setting: dict[str, Any], url: str) -> dict[str, Any]:
    """Return CACHES with every alias moved to the Redis at `url`."""
    return {alias: {**conf, "LOCATION": url} for alias, conf in caches_setting.items()}


def clear_shared_cache() -> None:
    """Delete this run's keys from the shared cache (other runs on the machine keep theirs)."""
    caches["default"].delete_pattern("*")  # type: ignore[attr-defined]  # django-redis


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Start every test with none of this run's Redis keys and fresh in-process state."""
    clear_shared_cache()
    reset_defaults()
    yield
    reset_defaults()


@pytest.fixture
def remote_auth(settings: Any, auth_server_clean: Any) -> Any:
    """Point REMOTE_AUTH at the (reset) local auth server; return the server handle."""
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": auth_server_clean.url}
    return auth_server_clean


@pytest.fixture
def api() -> APIClient:
    """Return a DRF test client (SaaS Admin in-process; the auth server over real HTTP)."""
    return APIClient()


def bearer(token: str) -> dict[str, str]:
    """Return the request header for a Bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


class FixedUpstream(ThreadingHTTPServer):
    """An HTTP server answering every request with one fixed JSON body."""

    body: bytes = b"{}"
    status: int = 200


class _FixedHandler(BaseHTTPRequestHandler):
    server: FixedUpstream

    def do_GET(self) -> None:
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""


@pytest.fixture
def fixed_upstream() -> Iterator[Callable[..., str]]:
    """Return a factory: start a real HTTP server that always answers `body`; returns its URL."""
    servers: list[FixedUpstream] = []

    def start(body: Any, status: int = 200) -> str:
        server = FixedUpstream(("127.0.0.1", 0), _FixedHandler)
        server.body, server.status = json.dumps(body).encode(), status
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class PrivateRedis:
    """A throwaway redis-server on a free port, so a test can stop it without hurting others.

    `args` are added to its command line (later ones win: `--port 0 --tls-port N` for TLS), and
    `client` are the redis-py arguments it is pinged with until it answers.
    """

    def __init__(self, *args: str, port: int | None = None, **client: Any) -> None:
        self.port = port or reserved_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        command = self.command(*args)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        self.client = redis.Redis(host="127.0.0.1", port=self.port, **client)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if self.client.ping():
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"private {command[0]} did not start")

    def command(self, *args: str) -> list[str]:
        """Return the command line that starts this server."""
        return ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", *args]  # fmt: skip

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def kill(self) -> None:
        """End the server at once (SIGKILL): no shutdown, no goodbye to its replicas."""
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """Yield a private Redis server that the test may stop."""
    server = PrivateRedis()
    yield server
    server.stop()
