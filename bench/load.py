"""Load generators: `wrk` for every timed run, and a bounded Python client (threads, http.client)
for the runs that must count answers exactly (each status, Retry-After, a request cap).

Both send GET requests to loopback only, for at most `seconds` (the Python one also stops after
`max_requests`), and return requests/s and latency percentiles of the answers. The benchmark
requires wrk (`require_wrk`): the set-up of `make bench` installs it.
"""

import http.client
import itertools
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from core.contract.probe import percentile

LOOPBACK = ("127.0.0.1", "localhost")
TOKEN = re.compile(r"[A-Za-z0-9\-._~+/=]+")  # safe to quote in a Lua string as it is
REQUEST_TIMEOUT = 10.0


@dataclass
class LoadResult:
    """What one load run measured."""

    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)  # per status (Python generator only)
    missing_retry_after: int = 0  # 503 answers without Retry-After (Python generator only)

    @property
    def rps(self) -> float:
        """Return completed requests per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0


class WrkMissing(RuntimeError):
    """wrk is not installed: the benchmark times every load run with it."""


def require_wrk() -> None:
    """Raise WrkMissing, saying how to install it, unless `wrk` is on PATH."""
    if shutil.which("wrk") is None:
        raise WrkMissing(
            "the benchmark needs wrk on PATH: `bash .ci/services` installs it "
            "(apt-get install wrk), and `make bench` / `make bench-quick` run that first"
        )


def wrk_version() -> str:
    """Return wrk's name and version, e.g. "wrk debian/4.1.0-3"."""
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    first = (result.stdout or result.stderr).splitlines()[0]
    return first.split(" [")[0].strip()


def python_load(
    base_url: str | Sequence[str],
    path: str,
    tokens: Sequence[str | None],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
) -> LoadResult:
    """Send request i with tokens[i % len(tokens)] from `connections` keep-alive clients.

    With several base URLs (instances), client j sends to the (j mod their count)-th."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    targets = [_loopback(url) for url in urls]
    run = _PythonRun(path, tokens, max_requests, time.monotonic() + seconds)
    threads = [
        threading.Thread(target=run.client, args=targets[j % len(targets)], daemon=True)
        for j in range(connections)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(seconds + 2 * REQUEST_TIMEOUT)
    finally:
        run.stop.set()
    return run.result(time.perf_counter() - started)


class _PythonRun:
    """The shared state of one Python load run; `client` is each thread's loop."""

    def __init__(
        self, path: str, tokens: Sequence[str | None], max_requests: int, deadline: float
    ) -> None:
        self.path = path
        self.tokens, self.max_requests, self.deadline = tokens, max_requests, deadline
        self.stop = threading.Event()
        self._next = itertools.count()
        self._lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.errors = 0
        self.missing_retry_after = 0

    def client(self, host: str, port: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
        latencies, statuses, errors, missing = [], Counter[int](), 0, 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            index = next(self._next)
            if index >= self.max_requests:
                break
            token = self.tokens[index % len(self.tokens)]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            started = time.perf_counter()
            try:
                conn.request("GET", self.path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] += 1
            missing += response.status == 503 and not response.getheader("Retry-After")
        conn.close()
        with self._lock:
            self.latencies.extend(latencies)
            self.statuses.update(statuses)
            self.errors += errors
            self.missing_retry_after += missing

    def result(self, elapsed: float) -> LoadResult:
        with self._lock:
            latencies = list(self.latencies)
            statuses = dict(self.statuses)
        return LoadResult(
            tool="python",
            requests=len(latencies),
            seconds=elapsed,
            p50_ms=percentile(latencies, 0.5) * 1000,
            p99_ms=percentile(latencies, 0.99) * 1000,
            non_2xx=sum(n for status, n in statuses.items() if not 200 <= status < 300),
            errors=self.errors,
            statuses=statuses,
            missing_retry_after=self.missing_retry_after,
        )


def wrk_load(
    base_url: str,
    path: str,
    tokens: Sequence[str | None],
    *,
    connections: int,
    seconds: float,
) -> LoadResult:
    """Run wrk (one thread) for whole seconds; several tokens are sent in turn by a Lua script."""
    _loopback(base_url)
    duration = max(1, round(seconds))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as scratch:
        if len(tokens) > 1:
            script = Path(scratch) / "tokens.lua"
            script.write_text(rotation_script(tokens), encoding="utf-8")
            command += ["-s", str(script)]
        elif tokens and tokens[0]:
            command += ["-H", f"Authorization: Bearer {tokens[0]}"]
        output = subprocess.run(
            [*command, base_url + path],
            capture_output=True,
            text=True,
            timeout=duration + 30,
            check=True,
        ).stdout
    return parse_wrk(output)


def rotation_script(tokens: Sequence[str | None]) -> str:
    """Return a wrk Lua script whose requests carry each token in turn (none for None)."""
    if not all(token is None or TOKEN.fullmatch(token) for token in tokens):
        raise ValueError("tokens must be b64token strings")
    headers = ", ".join(
        f'{{["Authorization"] = "Bearer {token}"}}' if token else "{}" for token in tokens
    )
    return (
        f"local headers = {{{headers}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #headers + 1\n"
        '  return wrk.format("GET", nil, headers[i])\n'
        "end\n"
    )


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> LoadResult:
    """Return the LoadResult in wrk's `--latency` report; raise ValueError when it is not one."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", output)
    if done is None:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return LoadResult(
        tool="wrk",
        requests=int(done.group(1)),
        seconds=float(done.group(2)) * UNITS[done.group(3)] / 1000,
        p50_ms=_wrk_percentile(output, "50"),
        p99_ms=_wrk_percentile(output, "99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _wrk_percentile(output: str, q: str) -> float:
    match = re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {q}% line in wrk output:\n{output}")
    return float(match.group(1)) * UNITS[match.group(2)]


def _loopback(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.hostname not in LOOPBACK or parts.port is None:
        raise ValueError(f"load is only ever sent to loopback, not {base_url}")
    return parts.hostname, parts.port
