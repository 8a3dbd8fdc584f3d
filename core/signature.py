"""The local signature step of `jwks` and `hybrid` verification (AUTH_VERIFY_MODE).

`claims(token)`: the key its `kid` names (core.jwks), then signature, exp/nbf, iss and aud, with
the public-key algorithms only; a forged, expired or foreign token is Rejected before any call.
`identity(...)`: `hybrid` asks /me as `remote` does (revocation stays immediate); `jwks` reads the
identity from the claims, and fills in a user with one /me call at most once per PROFILE_TTL.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .exceptions import CouldNotVouch, Rejected
from .identity import Identity, identity_from_claims
from .jwks import KeySet
from .state import SharedState
from .tokens import ClaimRules, SignedTokenError, token_header, verify_with_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileFill:
    """Ask /me for a user at most once per `ttl` seconds, deployment-wide."""

    state: SharedState
    ttl: float

    def due(self, remote_id: str) -> bool:
        """Return True for the one caller per `ttl` that should fetch this user's profile."""
        key = self.state.key("jwks-profile", remote_id)
        return bool(self.state.shared.add(key, "1", timeout=max(1, int(self.ttl))))


class SignatureCheck:
    """Check a token against the JWKS; say who it belongs to (from its claims or from /me)."""

    def __init__(
        self,
        keys: KeySet,
        rules: ClaimRules,
        *,
        trust_claims: bool,
        claim_map: dict[str, str],
        profile: ProfileFill | None = None,
    ) -> None:
        self.keys, self.rules, self.trust_claims = keys, rules, trust_claims
        self.claim_map, self.profile = claim_map, profile

    def claims(self, token: str) -> dict[str, Any]:
        """Return the verified claims; raise Rejected (401) or Unavailable (no keys)."""
        key = self.keys.key(token_header(token).get("kid"))
        try:
            return verify_with_key(token, key, self.rules)
        except SignedTokenError as exc:
            raise Rejected(f"refused locally: {exc}", status=401, code=exc.code) from exc

    def identity(self, claims: dict[str, Any], me: Callable[[], Identity]) -> Identity:
        """Return who the verified `claims` belong to; `me` asks the auth server."""
        if not self.trust_claims:
            return me()
        identity = identity_from_claims(claims, self.claim_map)
        if self.profile is None or not self.profile.due(identity.remote_id):
            return identity
        try:
            return me()
        except CouldNotVouch as exc:
            logger.warning("profile of a JWKS-verified user not fetched: %s", exc.reason)
            return identity
