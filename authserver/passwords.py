"""Hash and check passwords (PBKDF2-SHA256, salted, deliberately cheap for a dev server)."""

import base64
import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 10_000


def hash_password(password: str, iterations: int = ITERATIONS) -> str:
    """Return an encoded `algorithm$iterations$salt$digest` hash of `password`."""
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, iterations)
    return "$".join((ALGORITHM, str(iterations), _b64(salt), _b64(digest)))


def check_password(password: str, encoded: str) -> bool:
    """Return whether `password` matches `encoded`; False for a malformed hash."""
    try:
        algorithm, iterations, salt, digest = encoded.split("$")
        expected = base64.b64decode(digest)
        actual = _derive(password, base64.b64decode(salt), int(iterations))
    except ValueError:
        return False
    return algorithm == ALGORITHM and hmac.compare_digest(actual, expected)


def _derive(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Checked against when the email is unknown, so both failures cost the same time.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
