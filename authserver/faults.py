"""Inject failures into /api and /health answers: drops, delays, trickles, errors, garbage bodies.

Faults are set through the control API. When several match a request the newest wins;
one with `times` stops applying after that many requests.
"""

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .wire import DROP, Outcome, Response, json_response

MODES = ("down", "delay", "trickle", "status", "non_json", "malformed_json")
DEFAULT_PATHS = ("/api/", "/health")
BAD_GATEWAY_HTML = (
    b"<html><head><title>502 Bad Gateway</title></head><body>"
    b"<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)
TRUNCATED_JSON = b'{"success":true,"data":{"user":{"sub":"'


class FaultSpecError(ValueError):
    """Raised when a fault description is invalid; the message says why."""


@dataclass
class Fault:
    """Describe one injected failure and which requests it hits."""

    mode: str
    status: int = 500
    retry_after: int | None = None
    delay: float = 1.0
    paths: tuple[str, ...] = DEFAULT_PATHS
    remaining: int | None = None

    def matches(self, path: str) -> bool:
        """Return whether the fault applies to `path`."""
        return any(path.startswith(prefix) for prefix in self.paths)

    def describe(self) -> dict[str, Any]:
        """Return the fault as JSON for the control API."""
        return {
            "mode": self.mode,
            "status": self.status,
            "retryAfter": self.retry_after,
            "delay": self.delay,
            "paths": list(self.paths),
            "times": self.remaining,
        }


def parse_fault(spec: Mapping[str, Any]) -> Fault:
    """Return the Fault described by control-API JSON; raise FaultSpecError."""
    mode = spec.get("mode")
    if mode not in MODES:
        raise FaultSpecError(f"mode must be one of {', '.join(MODES)}")
    return Fault(
        mode=mode,
        status=_int(spec, "status", 502 if mode == "non_json" else 500, low=400, high=599),
        retry_after=_optional_int(spec, "retryAfter", low=0),
        delay=_delay(spec.get("delay", 1.0)),
        paths=_paths(spec.get("paths", DEFAULT_PATHS)),
        remaining=_optional_int(spec, "times", low=1),
    )


def _int(spec: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultSpecError(f"{key} must be an integer from {low} to {high}")
    return int(value)


def _optional_int(spec: Mapping[str, Any], key: str, low: int) -> int | None:
    if spec.get(key) is None:
        return None
    return _int(spec, key, 0, low=low, high=10**9)


def _delay(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 60:
        raise FaultSpecError("delay must be a number of seconds from 0 to 60")
    return float(value)


def _paths(value: Any) -> tuple[str, ...]:
    valid = isinstance(value, list | tuple) and bool(value)
    if not valid or not all(isinstance(p, str) and p.startswith("/") for p in value):
        raise FaultSpecError("paths must be a non-empty list of path prefixes starting with /")
    return tuple(value)


class FaultBook:
    """Keep the active faults and hand out the one that applies to a request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Activate `fault`, ahead of the faults already set."""
        with self._lock:
            self._faults.insert(0, fault)

    def clear(self) -> None:
        """Deactivate every fault."""
        with self._lock:
            self._faults.clear()

    def active(self) -> list[dict[str, Any]]:
        """Return the active faults, newest first, as JSON."""
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def take(self, path: str) -> Fault | None:
        """Return the newest fault matching `path`, using up one of its `times`."""
        with self._lock:
            fault = next((f for f in self._faults if f.matches(path)), None)
            if fault is not None and fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
            return fault


def apply_fault(fault: Fault, sleep: Callable[[float], None] = time.sleep) -> Outcome | None:
    """Return the faulty outcome, or None when the request should then proceed (delay, trickle)."""
    if fault.mode == "down":
        return DROP
    if fault.mode == "delay":
        sleep(fault.delay)
        return None
    if fault.mode == "trickle":
        return None
    if fault.mode == "non_json":
        return Response(fault.status, BAD_GATEWAY_HTML, content_type="text/html; charset=utf-8")
    if fault.mode == "malformed_json":
        return Response(200, TRUNCATED_JSON)
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    body = {"success": False, "error": "injected_fault", "message": "Injected fault."}
    return json_response(fault.status, body, headers)


def slow_down(outcome: Outcome, fault: Fault | None) -> Outcome:
    """Return `outcome` sent one byte every `fault.delay` seconds when `fault` is a trickle."""
    if fault is None or fault.mode != "trickle" or not isinstance(outcome, Response):
        return outcome
    return dataclasses.replace(outcome, trickle=fault.delay)
