"""The bench's Python client sends to every instance it is given, and counts every answer."""

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import python_load

WAIT = 10.0  # a bound for a failing run only


class _Handler(BaseHTTPRequestHandler):
    """Count requests per instance; an instance's first request waits until the other one has
    had its first, so a client that reached only one instance fails instead of racing."""

    protocol_version = "HTTP/1.1"
    name: str
    served: Counter[str]
    both_reached: threading.Barrier
    lock: threading.Lock

    def do_GET(self) -> None:
        with self.lock:
            first = self.served[self.name] == 0
            self.served[self.name] += 1
        if first:
            self.both_reached.wait(WAIT)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def two_instances() -> Iterator[tuple[list[str], Counter[str]]]:
    served: Counter[str] = Counter()
    shared = {"served": served, "both_reached": threading.Barrier(2), "lock": threading.Lock()}
    servers = [
        ThreadingHTTPServer(("127.0.0.1", 0), type(name, (_Handler,), {"name": name, **shared}))
        for name in ("a", "b")
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{server.server_port}" for server in servers], served
    for server in servers:
        server.shutdown()
        server.server_close()


def test_clients_alternate_between_instances_and_every_answer_is_counted(
    two_instances: tuple[list[str], Counter[str]],
) -> None:
    urls, served = two_instances
    result = python_load(urls, "/", [None], connections=4, seconds=30, max_requests=40)
    assert result.statuses == {200: 40}
    assert served["a"] + served["b"] == 40
    assert served["a"] > 0
    assert served["b"] > 0
