"""Everything we read from a token string; the only module of the adapter that imports `jwt`.

Claims read here without a signature check are used for two things only: to tell our own local
tokens from remote ones before any network call, and to bound how long a verification is cached.
"""

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
from typing import Any

import jwt

# RFC 6750 b64token characters; anything else in a Bearer credential is malformed.
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def is_well_formed(token: str, max_length: int) -> bool:
    """Return True when `token` is a non-empty b64token of at most `max_length` characters."""
    return 0 < len(token) <= max_length and _B64TOKEN.fullmatch(token) is not None


def unverified_claims(token: str) -> dict[str, Any]:
    """Return the token's payload without checking its signature; {} when it is not a JWT.

    Decoded by hand (base64url + JSON): this runs on every uncached request, and nothing here is
    trusted beyond telling token kinds apart and bounding cache lifetimes.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        return {}
    return claims if isinstance(claims, dict) else {}


def expiry(claims: dict[str, Any]) -> int | None:
    """Return the `exp` claim as an int, or None when absent or not a number."""
    return _time_claim(claims, "exp")


def issued_at(claims: dict[str, Any]) -> int | None:
    """Return the `iat` claim as an int, or None when absent or not a number."""
    return _time_claim(claims, "iat")


def _time_claim(claims: dict[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return int(value)
    return None


def is_local(claims: dict[str, Any], issuer: str) -> bool:
    """Return True for a token SaaS Admin issued itself (its issuer and a simplejwt token type)."""
    return claims.get("iss") == issuer and "token_type" in claims


def keyed_hash(token: str, key: bytes) -> str:
    """Return the HMAC-SHA256 of the whole token: a cache key part that reveals nothing."""
    return hmac.digest(key, token.encode("ascii"), "sha256").hex()


def fingerprint(token: str) -> str:
    """Return a short, non-reversible fingerprint of a token for log lines."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()[:12]


def verify_signed(token: str, secret: str, *, leeway: int = 0) -> dict[str, Any]:
    """Return the claims of an HS256 token signed with `secret`; raise jwt.PyJWTError otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]}, leeway=leeway
    )
    return claims
