"""Issue and verify access tokens (HS256 by default, or RS256/ES256 with a `kid`).

Claims: sub, email, org, products, iat, exp (= iat + ttl) and a random jti. No `iss`.
"""

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from .keys import ASYMMETRIC, KeyRing
from .models import User

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32


class TokenError(Exception):
    """Raised when an access token is malformed, badly signed or lacks a claim."""


class TokenExpired(TokenError):
    """Raised when an access token is well signed but past its `exp`."""


@dataclass(frozen=True)
class AccessToken:
    """Carry an encoded access token with the claims the server tracks it by."""

    token: str
    jti: str
    exp: float


class TokenIssuer:
    """Sign access tokens for users with the key ring's current key, and verify them."""

    def __init__(self, keys: KeyRing, ttl: int) -> None:
        self.keys = keys
        self._ttl = ttl

    @property
    def weak_secret(self) -> bool:
        """Return whether the secret is shorter than HS256 calls for (32 bytes)."""
        return len(self.keys.secret.encode()) < MIN_SECRET_BYTES

    def issue(
        self, user: User, ttl: int | None = None, claims: Mapping[str, Any] | None = None
    ) -> AccessToken:
        """Return a token for `user` living `ttl` seconds (default the access TTL).

        `claims` adds to or overrides the standard claims; a negative `ttl` gives a token
        that is already expired.
        """
        now = int(time.time())
        payload: dict[str, Any] = {
            "sub": user.id,
            "email": user.email,
            "org": user.org_id or None,
            "products": list(user.products),
            "iat": now,
            "exp": now + (self._ttl if ttl is None else ttl),
            "jti": secrets.token_hex(16),
        }
        payload.update(claims or {})
        key = self.keys.current()
        if key is None:
            token = jwt.encode(payload, self.keys.secret, algorithm=ALGORITHM)
        else:
            token = jwt.encode(payload, key.private, algorithm=key.alg, headers={"kid": key.kid})
        return AccessToken(token=token, jti=str(payload["jti"]), exp=_number(payload["exp"]))

    def verify(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid token; raise TokenExpired or TokenError."""
        try:
            header = jwt.get_unverified_header(token)
            secret: Any = self.keys.secret
            alg = ALGORITHM
            if header.get("alg") in ASYMMETRIC:
                key = self.keys.find(header.get("kid"))
                if key is None:
                    raise TokenError("unknown kid")
                secret, alg = key.private.public_key(), key.alg
            return jwt.decode(
                token,
                secret,
                algorithms=[alg],
                options={"require": ["exp", "sub", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired("expired") from exc
        except jwt.PyJWTError as exc:
            raise TokenError(type(exc).__name__) from exc


def fingerprint(token: str) -> str:
    """Return a short SHA-256 fingerprint of `token`, safe to log."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return time.time()
