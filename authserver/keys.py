"""Hold the signing keys: the HS256 secret, and an RS256 and an ES256 key pair made at start.

Each asymmetric key has a `kid`; every one not retired is published as the JWKS. A rotation
makes a new key for an algorithm (it signs from then on) and may retire the older ones of it.
"""

import secrets
import threading
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

Algorithm = Literal["HS256", "RS256", "ES256"]
ALGORITHMS: tuple[Algorithm, ...] = ("HS256", "RS256", "ES256")
ASYMMETRIC: tuple[Algorithm, ...] = ("RS256", "ES256")
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningKey:
    """One asymmetric key pair and the `kid` it is published under."""

    kid: str
    alg: Algorithm
    private: PrivateKey

    def jwk(self) -> dict[str, Any]:
        """Return the public half as a JWK with its kid, alg and use."""
        public = self.private.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
        else:
            jwk = ECAlgorithm.to_jwk(public, as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}


def new_key(alg: Algorithm) -> SigningKey:
    """Return a fresh key pair for `alg` (RSA 2048 for RS256, P-256 for ES256)."""
    private: PrivateKey
    if alg == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ec.generate_private_key(ec.SECP256R1())
    return SigningKey(f"{alg.lower()}-{secrets.token_hex(4)}", alg, private)


class KeyRing:
    """Say which algorithm and key sign now, find the key a token names, publish the JWKS."""

    def __init__(self, secret: str, algorithm: Algorithm = "HS256") -> None:
        self.secret = secret
        self._start = algorithm
        self._lock = threading.Lock()
        self._start_keys = [new_key(alg) for alg in ASYMMETRIC]
        self._keys = list(self._start_keys)
        self.algorithm: Algorithm = algorithm

    def current(self) -> SigningKey | None:
        """Return the newest key of the signing algorithm; None while it is HS256."""
        with self._lock:
            mine = [key for key in self._keys if key.alg == self.algorithm]
        return mine[-1] if mine else None

    def find(self, kid: object) -> SigningKey | None:
        """Return the published key named `kid`, if any."""
        with self._lock:
            return next((key for key in self._keys if key.kid == kid), None)

    def jwks(self) -> dict[str, Any]:
        """Return the JWKS document of every published key."""
        with self._lock:
            return {"keys": [key.jwk() for key in self._keys]}

    def rotate(self, algorithm: Algorithm | None = None, *, retire: bool = False) -> str | None:
        """Sign with `algorithm` (default: the current one) from now on, with a new key for it.

        `retire` unpublishes the older keys of that algorithm. Returns the new kid (None: HS256).
        """
        alg = algorithm or self.algorithm
        with self._lock:
            self.algorithm = alg
            if alg == "HS256":
                return None
            key = new_key(alg)
            if retire:
                self._keys = [k for k in self._keys if k.alg != alg]
            self._keys.append(key)
            return key.kid

    def reset(self) -> None:
        """Sign with the start-up algorithm and publish only the start-up keys again."""
        with self._lock:
            self.algorithm = self._start
            self._keys = list(self._start_keys)
