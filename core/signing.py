"""Signed notifications from the auth server: HMAC-SHA256 over `timestamp.body`, used once.

Headers: `X-Auth-Timestamp: <unix seconds>` and `X-Auth-Signature: sha256=<hex>`. A signature is
refused when it does not match, when its timestamp is further than `max_skew` seconds from now,
or when it has been seen before (replay).
"""

import hashlib
import hmac
import time

from .state import SharedState


class SignatureRefused(Exception):
    """The notification is not authentic or not fresh; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def check(
    state: SharedState,
    secret: str,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    max_skew: float,
    now: float | None = None,
) -> None:
    """Return when the notification is authentic, fresh and new; raise SignatureRefused otherwise."""
    # ASCII digits only, and few of them: str.isdigit() also passes "²" and 5000-digit strings,
    # on which int() raises ValueError (a 500) instead of a refusal.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise SignatureRefused("bad_signature")
    # compare_digest raises TypeError on non-ASCII str: a header of any other bytes is refused.
    if not signature.isascii() or not hmac.compare_digest(
        sign(secret, int(timestamp), body), signature
    ):
        raise SignatureRefused("bad_signature")
    if abs((time.time() if now is None else now) - int(timestamp)) > max_skew:
        raise SignatureRefused("stale_signature")
    seen_key = state.key("sig", hashlib.sha256(signature.encode()).hexdigest())
    if not state.shared.add(seen_key, 1, int(max_skew * 2) + 1):
        raise SignatureRefused("replayed_signature")
