"""Count and time calls of a method for the length of a `with` block, by wrapping it on its class.

The in-process bench uses it to see where a call's time goes: in Redis commands (the connection's
send and read), in the auth server's `/me` (the client's `me`), and, through Django's
`connection.execute_wrapper`, in database queries.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Meter:
    """How many calls were made and how long they took, in seconds."""

    calls: int = 0
    seconds: float = 0.0

    def timed(self, call: Callable[[], Any]) -> Any:
        """Return `call()`, counting it and adding its duration, whether it returns or raises."""
        started = time.perf_counter()
        try:
            return call()
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


@contextmanager
def metered(owner: type, name: str, meter: Meter) -> Iterator[Meter]:
    """Count and time every call of `owner.name` (a method) inside the block; restore it after."""
    original = getattr(owner, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        return meter.timed(lambda: original(self, *args, **kwargs))

    setattr(owner, name, wrapper)
    try:
        yield meter
    finally:
        setattr(owner, name, original)


@contextmanager
def metered_queries(meter: Meter) -> Iterator[Meter]:
    """Count and time every query on Django's default database connection inside the block."""
    from django.db import connection

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        return meter.timed(lambda: execute(sql, params, many, context))

    with connection.execute_wrapper(wrapper):
        yield meter
