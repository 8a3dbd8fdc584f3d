"""The service-token format: `sat_` and 43 URL-safe characters (256 random bits), kept as SHA-256.

A fast hash suffices: the token is random, not a password, so no guessing dictionary exists and
a slow key-derivation function would only cost every request its time.
"""

import hashlib
import secrets

PREFIX = "sat_"
MAX_LENGTH = 100


def new_token() -> str:
    """Return a fresh service token."""
    return PREFIX + secrets.token_urlsafe(32)


def is_service_token(token: str) -> bool:
    """Return True when `token` is shaped like a service token (decided before any other check)."""
    return token.startswith(PREFIX)


def digest(token: str) -> str:
    """Return the hex SHA-256 digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()
