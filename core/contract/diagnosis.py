"""Name what went wrong when asking the auth server, in words an operator can act on.

Failure kinds group into the outcomes of ARCHITECTURE.md (the command maps them to exit statuses):

    unreachable    dns, refused, unreachable, timeout, tls, dropped   (network: URL, tunnel, firewall)
    unavailable    server_error (5xx), rate_limited (429)              (it answered, but cannot serve)
    bad response   non_json, unexpected_status, contract               (it answered off-contract)
    rejected       bad_credentials, forbidden, token_rejected          (it said no)
"""

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import RemoteDisconnected

import requests

from core.exceptions import AuthServiceError, Rejected, Unavailable

from .exchange import Exchange

OUTCOMES = {
    "unreachable": ("dns", "refused", "unreachable", "timeout", "tls", "dropped"),
    "unavailable": ("server_error", "rate_limited"),
    "bad_response": ("non_json", "unexpected_status", "contract"),
    "rejected": ("bad_credentials", "forbidden", "token_rejected"),
}


@dataclass(frozen=True)
class Finding:
    """A failure kind and its explanation (never a token, a password or a whole body)."""

    kind: str
    message: str


def outcome(kind: str) -> str:
    """Return the outcome a failure kind belongs to."""
    return next(name for name, kinds in OUTCOMES.items() if kind in kinds)


def diagnose(
    exc: AuthServiceError, exchange: Exchange | None, timeouts: tuple[float, float]
) -> Finding:
    """Return the Finding for a failed call, using the raw answer when there was one."""
    if isinstance(exc, Unavailable):
        if exc.status is None:
            return _transport(exc, timeouts)
        return _unavailable(exc, exchange)
    if isinstance(exc, Rejected):
        return Finding("unexpected_status", f"refused with HTTP {exc.status}{_code(exc)}")
    if exchange is not None:
        return _bad_answer(exchange, exc)
    return Finding("contract", f"the answer breaks the contract: {exc.reason}")


def _transport(exc: Unavailable, timeouts: tuple[float, float]) -> Finding:
    causes = list(_causes(exc))
    if any(isinstance(cause, requests.ConnectTimeout) for cause in causes):
        return Finding("timeout", f"connecting timed out after {timeouts[0]:g}s")
    if any(isinstance(cause, requests.Timeout) for cause in causes):
        return Finding("timeout", f"no answer within the {timeouts[1]:g}s read timeout")
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return Finding("tls", "TLS error while talking HTTPS (see the TLS step)")
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return Finding("dns", "the host name no longer resolves")
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return Finding("refused", "connection refused: nothing listens there any more")
    if any(isinstance(cause, RemoteDisconnected | ConnectionResetError) for cause in causes):
        return Finding("dropped", "the connection was closed without an answer")
    return Finding("unreachable", f"the request failed: {exc.reason}")


def _unavailable(exc: Unavailable, exchange: Exchange | None) -> Finding:
    wait = f", Retry-After {exc.retry_after}s" if exc.retry_after else ""
    if exc.status == 429:
        return Finding(
            "rate_limited",
            f"rate limited (HTTP 429{wait}): the auth server limits each client to a number of"
            " requests per window, shared by every instance of this service; wait before retrying",
        )
    if exchange is not None and not exchange.is_json:
        kind = exchange.content_type or "no content type"
        why = (
            f"a proxy's or another server's page: is {exchange.path} mapped to the auth server?"
            if exc.status is not None and exc.status < 500
            else "probably a proxy's error page, the auth server behind it is down or unreachable"
        )
        return Finding("server_error", f"HTTP {exc.status} with a non-JSON body ({kind}): {why}")
    return Finding("server_error", f"HTTP {exc.status}{wait}: the auth server failed")


def _bad_answer(exchange: Exchange, exc: AuthServiceError) -> Finding:
    status = exchange.status
    if 300 <= status < 400:
        where = f" to {exchange.location[:200]}" if exchange.location else ""
        return Finding(
            "unexpected_status", f"HTTP {status} redirect{where}: use the final URL instead"
        )
    if not exchange.is_json:
        kind = exchange.content_type or "no content type"
        return Finding(
            "non_json",
            f"HTTP {status} with a body that is not JSON ({kind}):"
            " is this URL the auth server, or a proxy in front of it?",
        )
    if not 200 <= status < 300:
        return Finding("unexpected_status", f"unexpected HTTP {status} on {exchange.path}")
    return Finding("contract", f"the answer breaks the contract: {exc.reason}")


def _code(exc: Rejected) -> str:
    return f" '{exc.code}'" if exc.code else ""


def _causes(exc: BaseException) -> Iterator[BaseException]:
    # requests and urllib3 nest the socket error in causes, contexts, `reason` and `args`.
    pending, seen = [exc], set[int]()
    while pending and len(seen) < 32:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        links = (current.__cause__, current.__context__, getattr(current, "reason", None))
        pending.extend(x for x in (*links, *current.args) if isinstance(x, BaseException))
