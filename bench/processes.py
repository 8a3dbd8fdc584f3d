"""Start and stop what the benchmark needs: the local auth server and SaaS Admin under gunicorn.

Every process starts in its own session, so a Ctrl-C at the terminal reaches the harness only and
the harness stops each one (SIGTERM to its process group, SIGKILL after a grace period).
"""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import requests

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"authserver listening on (http://\S+)")
CONTROL_TIMEOUT = 5.0
MINT_THREADS = 4
SETTLE_QUIET, SETTLE_LIMIT = 0.5, 30.0
# 32+ bytes so PyJWT does not warn; the local auth server signs its demo tokens with it.
AUTH_SECRET = "bench-authserver-signing-key-0123456789"


class ProcessError(RuntimeError):
    """A process the benchmark needs did not start; the message carries its output."""


def listening_socket() -> socket.socket:
    """Return a socket listening on a free 127.0.0.1 port, for gunicorn to inherit: the port is
    held from now on, so nothing else (another run's servers included) can take it in between."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def stop_process(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """Stop a process started with `start_new_session`, and its children, by its group id."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(grace)
    except ProcessLookupError:
        process.wait(grace)


class AuthServer:
    """The local auth server (`python -m authserver --port 0 --control`) and its control API."""

    def __init__(
        self, log_path: Path, startup_timeout: float = 15.0, *, seed: Path | None = None
    ) -> None:
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.seed = seed  # None: the server's demo seed
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self._session = requests.Session()

    def start(self) -> "AuthServer":
        """Start the server and wait until it prints its URL and answers /health."""
        command = [sys.executable, "-m", "authserver", "--port", "0", "--control"]
        if self.seed is not None:
            command += ["--seed", str(self.seed)]
        self.process = subprocess.Popen(
            [*command, "--log-level", "WARNING"],
            cwd=ROOT,
            env={**os.environ, "AUTH_JWT_SECRET": AUTH_SECRET, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        pump = threading.Thread(target=self._pump, args=(self.process.stdout, lines), daemon=True)
        pump.start()
        self.url = self._wait_url(lines, time.monotonic() + self.startup_timeout)
        _wait_http(f"{self.url}/health", self.startup_timeout, self.process, self.log_path)
        return self

    def stop(self) -> None:
        """Stop the server (no-op when it never started)."""
        if self.process is not None:
            stop_process(self.process)

    def _pump(self, stream: IO[str], lines: "queue.Queue[str]") -> None:
        with self.log_path.open("a", encoding="utf-8") as log:
            for line in stream:
                log.write(line)
                log.flush()
                lines.put(line)

    def _wait_url(self, lines: "queue.Queue[str]", deadline: float) -> str:
        while time.monotonic() < deadline:
            try:
                match = LISTENING.search(lines.get(timeout=0.1))
            except queue.Empty:
                continue
            if match:
                return match.group(1)
        raise ProcessError(f"auth server did not print its URL; see {self.log_path}")

    # -- control API -----------------------------------------------------------------------

    def me_calls(self) -> int:
        """Return how many times GET /api/auth/me was called since the last reset."""
        return self.calls("GET /api/auth/me")

    def settled_me_calls(self) -> int:
        """Return the /me count once it has stopped moving for SETTLE_QUIET seconds (or after
        SETTLE_LIMIT): the requests wrk leaves behind when it stops are still being served, and
        those of the uncached variants call /me."""
        deadline = time.monotonic() + SETTLE_LIMIT
        count = self.me_calls()
        while time.monotonic() < deadline:
            time.sleep(SETTLE_QUIET)
            count, previous = self.me_calls(), count
            if count == previous:
                break
        return count

    def calls(self, key: str) -> int:
        """Return how many times `METHOD /path` was called since the last reset."""
        counts: dict[str, int] = self._control("GET", "calls")["calls"]
        return counts.get(key, 0)

    def rotate_keys(self, algorithm: str) -> None:
        """Sign with `algorithm` (RS256, ES256, HS256) from now on, under a new key."""
        self._control("POST", "keys", json={"algorithm": algorithm})

    def reset_calls(self) -> None:
        """Reset the call counts only."""
        self._control("DELETE", "calls")

    def reset(self) -> None:
        """Restore the seed and clear faults and counts."""
        self._control("POST", "reset")

    def fault(self, mode: str, **options: Any) -> None:
        """Inject a fault on every /api/ path (mode `down` drops each connection); `options` as
        in the control API (`delay`, `paths`, ...)."""
        self._control("POST", "fault", json={"mode": mode, **options})

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._control("DELETE", "fault")

    def mint(self, email: str, ttl: int) -> str:
        """Return a new access token for the seed user `email`, valid for `ttl` seconds."""
        token: str = self._control("POST", "tokens", json={"user": email, "ttl": ttl})[
            "accessToken"
        ]
        return token

    def mint_many(self, emails: list[str], ttl: int) -> list[str]:
        """Return one new access token per entry of `emails` (in order), minted MINT_THREADS at
        a time."""
        with ThreadPoolExecutor(MINT_THREADS) as pool:
            return list(pool.map(lambda email: self.mint(email, ttl), emails))

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.url}/__control__/{path}"
        response = self._session.request(method, url, timeout=CONTROL_TIMEOUT, **kwargs)
        response.raise_for_status()
        return response.json()


class ApiServer:
    """SaaS Admin with the bench settings under gunicorn (sync workers unless `threads`) on a free
    port."""

    def __init__(
        self, env: dict[str, str], log_path: Path, *, workers: int = 2, threads: int = 1
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.worker_class = "sync" if threads == 1 else "gthread"
        self.threads = threads
        self.socket = listening_socket()
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self) -> "ApiServer":
        """Start gunicorn without waiting; `wait_ready` waits."""
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"fd://{self.socket.fileno()}", "--workers", str(self.workers),
            "--worker-class", self.worker_class, "--threads", str(self.threads),
            "--log-level", "warning", "--timeout", "30",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(self.socket.fileno(),),
            )
        self.socket.close()  # only gunicorn holds the port now
        return self

    def wait_ready(self, timeout: float = 30.0) -> "ApiServer":
        """Wait until the unauthenticated endpoint answers 200; raise with the log's path."""
        assert self.process is not None
        _wait_http(f"{self.url}/bench/none", timeout, self.process, self.log_path)
        return self

    def stop(self) -> None:
        """Stop gunicorn and its workers (no-op when it never started)."""
        if self.process is not None:
            stop_process(self.process)


def _wait_http(url: str, timeout: float, process: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    tail = "".join(log.read_text(encoding="utf-8", errors="replace").splitlines(True)[-15:])
    raise ProcessError(f"{url} did not answer 200 within {timeout:.0f} s; {log} ends:\n{tail}")
