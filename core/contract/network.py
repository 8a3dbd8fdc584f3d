"""Time the network steps before HTTP: DNS resolution, TCP connect and the TLS handshake.

Every failure leaves as `NetworkFailure` with a `kind` (dns, refused, timeout, unreachable, tls)
and a message an operator can act on.
"""

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
AddrInfo = tuple[Any, ...]


class NetworkFailure(Exception):
    """A network step failed; `kind` names the failure, the message says what to check."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Endpoint:
    """Where the auth server listens, parsed from its base URL (credentials in it are dropped)."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def tls(self) -> bool:
        """Return True for https."""
        return self.scheme == "https"

    @property
    def base_url(self) -> str:
        """Return the URL without user info, for requests and for reports."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.path.rstrip('/')}"


def parse_url(url: str) -> Endpoint:
    """Return the Endpoint of an http(s) URL; raise ValueError when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL with a host: {parts.scheme or '?'}://…")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValueError("the URL's port is not a number from 0 to 65535") from exc
    return Endpoint(parts.scheme, parts.hostname, port, parts.path)


def is_ip_literal(host: str) -> bool:
    """Return True when `host` is an IP address, which needs no lookup."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback(addresses: list[str]) -> bool:
    """Return True when every address is a loopback one (a local server, or an SSH tunnel)."""
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def resolve(host: str, port: int, timeout: float) -> tuple[list[AddrInfo], float]:
    """Return the host's address records and the seconds the lookup took."""
    started = time.perf_counter()
    try:
        infos = _within(timeout, lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    except TimeoutError as exc:
        raise NetworkFailure("dns", f"resolving {host} took longer than {timeout:g}s") from exc
    except socket.gaierror as exc:
        raise NetworkFailure("dns", f"cannot resolve {host}: {exc.strerror}") from exc
    return infos, time.perf_counter() - started


def connect(infos: list[AddrInfo], timeout: float) -> tuple[socket.socket, str, float]:
    """Return a socket connected to the first address that accepts, that address and the seconds."""
    failures: list[NetworkFailure] = []
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        started = time.perf_counter()
        try:
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            failures.append(_connect_failure(exc, sockaddr, timeout))
            continue
        return sock, str(sockaddr[0]), time.perf_counter() - started
    message = "; ".join(failure.message for failure in failures) or "no address to connect to"
    raise NetworkFailure(failures[-1].kind if failures else "unreachable", message)


def handshake(sock: socket.socket, host: str) -> tuple[str, float, float | None]:
    """Return the TLS version, the handshake seconds and the certificate's expiry (epoch)."""
    context = ssl.create_default_context()
    started = time.perf_counter()
    try:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            seconds = time.perf_counter() - started
            cert = tls.getpeercert() or {}
            version = tls.version() or "unknown"
    except ssl.SSLCertVerificationError as exc:
        raise NetworkFailure("tls", f"TLS certificate not trusted: {exc.verify_message}") from exc
    except ssl.SSLError as exc:
        raise NetworkFailure("tls", f"TLS handshake failed: {exc.reason or exc}") from exc
    except TimeoutError as exc:
        raise NetworkFailure("timeout", "TLS handshake timed out") from exc
    except OSError as exc:
        raise NetworkFailure("tls", f"TLS handshake failed: {exc.strerror or exc}") from exc
    not_after = cert.get("notAfter")
    expires = ssl.cert_time_to_seconds(not_after) if isinstance(not_after, str) else None
    return version, seconds, expires


def _connect_failure(exc: OSError, sockaddr: Any, timeout: float) -> NetworkFailure:
    where = (
        f"[{sockaddr[0]}]:{sockaddr[1]}" if ":" in sockaddr[0] else f"{sockaddr[0]}:{sockaddr[1]}"
    )
    if isinstance(exc, ConnectionRefusedError):
        return NetworkFailure("refused", f"connection refused by {where}: nothing listens there")
    if isinstance(exc, TimeoutError):
        return NetworkFailure("timeout", f"connecting to {where} timed out after {timeout:g}s")
    return NetworkFailure("unreachable", f"cannot reach {where}: {exc.strerror or exc}")


def _within(timeout: float, call: Callable[[], T]) -> T:
    # getaddrinfo has no timeout; a daemon thread lets us give up without waiting at exit.
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="resolve", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["value"]
    return result
