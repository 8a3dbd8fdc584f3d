"""Serve the App over HTTP/1.1 with the stdlib's threading server; log one line per request."""

import logging
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .app import App
from .config import Config
from .errors import ApiError, BadRequest, PayloadTooLarge
from .seed import load_seed
from .wire import Drop, Outcome, Request, Response, error_response

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES


class AuthHTTPServer(ThreadingHTTPServer):
    """Bind the App to a socket; request threads are daemons so shutdown never hangs."""

    daemon_threads = True
    request_queue_size = 128  # Bursts of parallel test clients must not be refused.

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a failure outside the App (usually a client that hung up) in one line."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            logger.debug("connection from %s lost: %r", client_address, error)
        else:
            logger.error("error serving %s", client_address, exc_info=error)

    @property
    def url(self) -> str:
        """Return the base URL the server is reachable at."""
        host, port = self.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class RequestHandler(BaseHTTPRequestHandler):
    """Turn HTTP requests into App requests and App outcomes into bytes."""

    protocol_version = "HTTP/1.1"
    server_version = "authserver-local"
    timeout = 30  # Idle keep-alive connections give their thread back after this.
    # Headers and body are written separately; without TCP_NODELAY keep-alive answers wait ~40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Send the stdlib's own messages (protocol errors) to debug logging."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s: %s", self.address_string(), format % args)

    def _serve(self) -> None:
        started = time.perf_counter()
        split = urlsplit(self.path)
        try:
            request = self._request(split.path or "/", split.query)
        except ApiError as exc:
            self.close_connection = True  # An unread body would poison keep-alive.
            outcome: Outcome = error_response(exc)
        else:
            outcome = self._app().handle(request)
        status = self._send(outcome)
        elapsed = (time.perf_counter() - started) * 1000
        logger.info("%s %s %s %.1fms", self.command, split.path, status, elapsed)

    def _app(self) -> App:
        assert isinstance(self.server, AuthHTTPServer)
        return self.server.app

    def _request(self, path: str, query: str) -> Request:
        return Request(
            method=self.command,
            path=path,
            query=parse_qs(query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._body(),
            client_ip=str(self.client_address[0]),
        )

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise BadRequest("Chunked request bodies are not supported.", "unsupported_body")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise BadRequest("Invalid Content-Length.", "invalid_length") from exc
        if length < 0:
            raise BadRequest("Invalid Content-Length.", "invalid_length")
        if length > MAX_BODY_BYTES:
            if length <= MAX_DRAIN_BYTES:
                self._discard(length)  # So the client reads our 413 rather than a reset.
            raise PayloadTooLarge()
        return self.rfile.read(length) if length else b""

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)

    def _send(self, outcome: Outcome) -> str:
        if isinstance(outcome, Drop):
            self.close_connection = True  # Nothing is written: the client sees it closed.
            return "dropped"
        if outcome.trickle > 0:
            self._trickle(outcome)
            return f"{outcome.status} trickled"
        self.send_response(outcome.status)
        self.send_header("Content-Type", outcome.content_type)
        self.send_header("Content-Length", str(len(outcome.body)))
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(outcome.body)
        return str(outcome.status)

    def _trickle(self, outcome: Response) -> None:
        """Send the answer one byte at a time, `outcome.trickle` seconds apart, then close."""
        self.close_connection = True
        reason = self.responses.get(outcome.status, ("",))[0]
        lines = [f"HTTP/1.1 {outcome.status} {reason}", f"Content-Type: {outcome.content_type}"]
        lines.append(f"Content-Length: {len(outcome.body)}")
        lines += [f"{name}: {value}" for name, value in outcome.headers.items()]
        data = "\r\n".join([*lines, "Connection: close", "", ""]).encode("latin-1") + outcome.body
        for index in range(len(data)):
            if index:
                time.sleep(outcome.trickle)
            self.wfile.write(data[index : index + 1])


def build_server(config: Config) -> AuthHTTPServer:
    """Load the seed and bind a server for `config` (not yet serving).

    Raises SeedError for a bad seed file and OSError when the address cannot be bound.
    """
    app = App(config, load_seed(config.seed_path))
    return AuthHTTPServer((config.host, config.port), app)
