"""Per-request logging context (request id, client address, user, auth source, token fingerprint).

The authentication class and the request middleware bind fields here; a logging filter copies them
onto every record, so log lines carry them without any call site passing them along.
"""

import contextvars
import logging
from typing import Any

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "remote_auth_log_context", default=None
)
FIELDS = ("request_id", "client", "user_id", "auth_source", "token_fp")


def bind(**fields: Any) -> None:
    """Add fields to the current request's logging context."""
    _context.set({**(_context.get() or {}), **fields})


def clear() -> None:
    """Forget the current request's logging context."""
    _context.set(None)


def current() -> dict[str, Any]:
    """Return a copy of the current request's logging context."""
    return dict(_context.get() or {})


class ContextFilter(logging.Filter):
    """Copy the request context onto each record (missing fields become None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get() or {}
        for name in FIELDS:
            setattr(record, name, context.get(name))
        return True
