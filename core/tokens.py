"""Everything we read from a token string; the only module of the adapter that imports `jwt`.

Claims read here without a signature check are used for two things only: to tell our own local
tokens from remote ones before any network call, and to bound how long a verification is cached.
"""

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import jwt

MAX_EXP = 253_402_300_799  # 9999-12-31T23:59:59Z: no real token expires later
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
    """Return the `exp` claim as an int, or None when absent, not a number or beyond year 9999."""
    return _time_claim(claims, "exp")


def issued_at(claims: dict[str, Any]) -> int | None:
    """Return the `iat` claim as an int, or None when absent, not a number or beyond year 9999."""
    return _time_claim(claims, "iat")


def _time_claim(claims: dict[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    # Compared without float(): a 400-digit int overflows it. False for NaN and infinities too.
    if not -MAX_EXP <= value <= MAX_EXP:
        return None
    return int(value)


def is_local(claims: dict[str, Any], issuer: str) -> bool:
    """Return True for a token this service issued itself (its issuer and a simplejwt token type)."""
    return claims.get("iss") == issuer and "token_type" in claims


class KeyedHash:
    """A keyed hash of whole tokens under one key (BLAKE2b in its MAC mode, RFC 7693): a cache
    key part that reveals nothing. The keyed state is set up once: this runs on every request."""

    def __init__(self, key: bytes) -> None:
        self._base = hashlib.blake2b(key=key[:64], digest_size=32)

    def __call__(self, token: str) -> str:
        """Return the keyed hash of the whole token, in hex."""
        mac = self._base.copy()
        mac.update(token.encode("ascii"))
        return mac.hexdigest()


def fingerprint(token: str) -> str:
    """Return a short, non-reversible fingerprint of a token for log lines."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()[:12]


def verify_signed(token: str, secret: str, *, leeway: int = 0) -> dict[str, Any]:
    """Return the claims of an HS256 token signed with `secret`; raise jwt.PyJWTError otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]}, leeway=leeway
    )
    if expiry(claims) is None:  # PyJWT takes any int, even one too large for date arithmetic
        raise jwt.InvalidTokenError("exp out of range")
    return claims


# Signature sizes in bytes each algorithm implies (RSA: a 2048-bit key at least).
SIGNATURE_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64, "ES256": 64, "ES384": 96}
MIN_RSA_SIGNATURE_BYTES = 256
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class NotServerToken(ValueError):
    """The token cannot have been issued by the auth server; the message says why (for logs)."""


def _segment(part: str, name: str) -> bytes:
    if not _B64URL.fullmatch(part):
        raise NotServerToken(f"{name} is not base64url")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise NotServerToken(f"{name} is not base64url") from exc


def _json_object(raw: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise NotServerToken(f"{name} is not JSON") from exc
    if not isinstance(value, dict):
        raise NotServerToken(f"{name} is not a JSON object")
    return value


def signature_fits(alg: str, size: int) -> bool:
    """Return True when a signature of `size` bytes can be one made with `alg`."""
    if alg in SIGNATURE_BYTES:
        return size == SIGNATURE_BYTES[alg]
    return alg[:2] in ("RS", "PS") and size >= MIN_RSA_SIGNATURE_BYTES


@dataclass(frozen=True)
class ServerTokenFormat:
    """What a token of the auth server looks like: a JWT with one of its algorithms and an `exp`."""

    algorithms: frozenset[str]
    require_exp: bool = True
    secret: str | None = None

    def check(self, token: str) -> None:
        """Return when `token` could be the auth server's; raise NotServerToken saying why not."""
        parts = token.split(".")
        if len(parts) != 3:
            raise NotServerToken("not three segments")
        header = _json_object(_segment(parts[0], "header"), "header")
        alg = header.get("alg")
        if not isinstance(alg, str) or alg.lower() == "none" or alg not in self.algorithms:
            raise NotServerToken("algorithm not allowed")
        claims = _json_object(_segment(parts[1], "payload"), "payload")
        if self.require_exp and expiry(claims) is None:
            raise NotServerToken("no finite numeric exp")
        if not signature_fits(alg, len(_segment(parts[2], "signature"))):
            raise NotServerToken("signature length does not fit the algorithm")
        if self.secret and alg.startswith("HS"):
            self._check_signature(token, alg, self.secret)

    @staticmethod
    def _check_signature(token: str, alg: str, secret: str) -> None:
        try:
            jwt.decode(
                token,
                secret,
                algorithms=[alg],
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise NotServerToken("signature does not verify") from exc


# Public-key algorithm families: the only ones a JWKS check uses (never HMAC, never `none`).
ASYMMETRIC_PREFIXES = ("RS", "PS", "ES", "EdDSA")


def asymmetric(algorithms: frozenset[str]) -> frozenset[str]:
    """Return the public-key members of `algorithms`."""
    return frozenset(alg for alg in algorithms if alg.startswith(ASYMMETRIC_PREFIXES))


@dataclass(frozen=True)
class PublicKey:
    """One usable key of a JWKS: its kid, key type, declared alg (None: not said) and the key."""

    kid: str
    kty: str
    alg: str | None
    key: Any


def parse_jwks(document: Any) -> tuple[list[PublicKey], list[str]]:
    """Return the usable keys of a JWKS document and a note per key that was skipped."""
    raw = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(raw, list):
        return [], ["no `keys` list"]
    keys: list[PublicKey] = []
    skipped: list[str] = []
    for index, item in enumerate(raw):
        kid = item.get("kid") if isinstance(item, dict) else None
        if not isinstance(kid, str) or not kid:
            skipped.append(f"key {index}: no kid")
            continue
        try:
            jwk = jwt.PyJWK(item)
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            skipped.append(f"key {kid}: {type(exc).__name__}")
            continue
        if jwk.key_type == "oct":
            skipped.append(f"key {kid}: symmetric")
            continue
        alg = item.get("alg") if isinstance(item.get("alg"), str) else None
        keys.append(PublicKey(kid, str(jwk.key_type), alg, jwk.key))
    return keys, skipped


def token_header(token: str) -> dict[str, Any]:
    """Return the token's header without any check; {} when it is not a JWT."""
    try:
        return dict(jwt.get_unverified_header(token))
    except jwt.PyJWTError:
        return {}


class SignedTokenError(ValueError):
    """A token failed the local check; `code` says how (machine-readable), the message why."""

    def __init__(self, reason: str, code: str = "token_invalid") -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class ClaimRules:
    """What a locally checked token must satisfy besides its signature."""

    algorithms: frozenset[str]
    issuer: str | None = None
    audience: str | None = None
    leeway: float = 30.0


def verify_with_key(token: str, key: PublicKey, rules: ClaimRules) -> dict[str, Any]:
    """Return the claims of `token` signed by `key` under `rules`; raise SignedTokenError.

    A token carrying `aud` is refused unless `rules.audience` names one of them.
    """
    alg = token_header(token).get("alg")
    if alg not in asymmetric(rules.algorithms) or (key.alg is not None and alg != key.alg):
        raise SignedTokenError("algorithm not allowed for this key")
    options: Any = {"require": ["exp", "sub"]}
    if rules.issuer:
        options["require"].append("iss")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[str(alg)],
            issuer=rules.issuer,
            audience=rules.audience,
            leeway=rules.leeway,
            options=options,
        )
    except jwt.ExpiredSignatureError as exc:
        raise SignedTokenError("expired", "token_expired") from exc
    except jwt.PyJWTError as exc:
        raise SignedTokenError(type(exc).__name__) from exc
    if expiry(claims) is None:
        raise SignedTokenError("exp out of range")
    return claims
