"""Degraded verification: check a token's signature locally while the auth server cannot answer.

Off unless REMOTE_AUTH["JWT_SECRET"] holds the auth server's signing secret. Only users already
mirrored are accepted (nobody is provisioned from an unvouched token), and the answer is flagged.
"""

import logging
import time

import jwt

from .entries import Verification
from .identity import identity_from_claims
from .models import RemoteIdentity
from .snapshots import snapshot
from .tokens import verify_signed

logger = logging.getLogger(__name__)


class LocalSignatureVerifier:
    """Verify HS256 tokens with the shared secret and map them to already-mirrored users."""

    def __init__(self, secret: str, issuer: str = "local") -> None:
        self.secret, self.issuer = secret, issuer

    def __call__(self, token: str) -> Verification | None:
        """Return a degraded Verification (verified_at = the token's iat), or None when refused."""
        try:
            claims = verify_signed(token, self.secret)
        except jwt.PyJWTError as exc:
            logger.info("degraded verification refused: %s", type(exc).__name__)
            return None
        link = (
            RemoteIdentity.objects.select_related("user")
            .filter(issuer=self.issuer, remote_id=claims["sub"])
            .first()
        )
        if link is None:
            return None
        issued_at = float(claims.get("iat") or time.time())
        return Verification(
            identity_from_claims(claims), snapshot(link.user), "degraded", issued_at
        )
