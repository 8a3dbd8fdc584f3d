"""One total deadline per HTTP exchange: connect, headers and body, however slowly the server sends.

`requests`' timeout bounds each socket operation, so a server that sends a byte every few seconds
never trips it. Inside `with Deadline(seconds):` every request made through a `DeadlineAdapter`
hands its socket to the deadline; when time is up a timer shuts that socket down, so the blocked
read ends at once with a connection error, and `expired` says why.
"""

import contextlib
import socket
import threading
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

_current: ContextVar["Deadline | None"] = ContextVar("http_deadline", default=None)


class Deadline:
    """Shut down the socket of the exchange running in this context after `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._token: Token[Deadline | None] | None = None

    def __enter__(self) -> "Deadline":
        self._token = _current.set(self)
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._sock = None  # a pooled socket serves other exchanges after this one
        self._timer.cancel()
        if self._token is not None:
            _current.reset(self._token)

    def attach(self, sock: socket.socket) -> None:
        """Watch `sock` from now on; shut it down at once if time is already up."""
        with self._lock:
            self._sock = sock
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shutdown(self._sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to interrupt
        sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """Hand the connection's socket to the current Deadline before the answer is read."""

    sock: socket.socket | None

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        deadline = _current.get()
        if deadline is not None and self.sock is not None:
            deadline.attach(self.sock)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _Connection(_Watched, HTTPConnection):
    pass


class _TLSConnection(_Watched, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class DeadlineAdapter(HTTPAdapter):
    """A `requests` adapter whose connections obey the Deadline of the calling context."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _watch(manager)
        return manager


def _watch(manager: PoolManager) -> None:
    manager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}
