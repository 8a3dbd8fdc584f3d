"""The DRF authentication class: the one module of the adapter that knows DRF.

Pipeline: header → raw token → one verification (an in-process hit needs nothing more; on a miss
the claims are read: a local token is handed over to simplejwt, an expired one is a 401) → local
user (CookieAuthentication: the same pipeline, the token from the browser's cookie, CSRF for
unsafe methods). Failures of the auth server become DRF errors here and only here: a rejected token is a 401
with `WWW-Authenticate`, an auth server that could not vouch is a 503 with `Retry-After`
(`auth_service_unavailable`, also used by the pass-through views), never a 401; a
client that spent its share of the upstream budget gets a 429 with `Retry-After`; a database that
cannot answer while mirroring is a 503 `service_unavailable`, never a 500.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings as simplejwt_settings
from rest_framework_simplejwt.tokens import Token

from .clientaddr import client_key
from .conf import remote_auth_settings
from .exceptions import CouldNotVouch, Rejected, ShareSpent, UserDenied
from .identity import Identity
from .logcontext import bind
from .metrics import record_verification
from .tokens import expiry, fingerprint, is_local, is_well_formed, unverified_claims
from .verifier import Claimed, Verification, Verifier
from .vocabulary import DEGRADED_SOURCES, Outcome, Source, Stage
from .wiring import default_denylist, default_verifier

logger = logging.getLogger("core.verification")


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = "The token is invalid or has been revoked."
    default_code = "token_not_valid"


class ExpiredToken(exceptions.AuthenticationFailed):
    default_detail = "The token has expired."
    default_code = "token_expired"


class MalformedHeader(exceptions.AuthenticationFailed):
    default_detail = "The Authorization header is malformed; expected 'Bearer <token>'."
    default_code = "bad_authorization_header"


class InactiveUser(exceptions.AuthenticationFailed):
    default_detail = "This account is disabled."
    default_code = "user_inactive"


class NotProvisioned(exceptions.PermissionDenied):
    default_detail = "This account has no access to this service."
    default_code = "user_not_provisioned"


class ServiceUnavailable(exceptions.APIException):
    """503: a dependency (the database) cannot answer now; `wait` becomes `Retry-After`."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable; try again shortly."
    default_code = "service_unavailable"

    def __init__(self, wait: int) -> None:
        super().__init__()
        self.wait = wait


class TooManyUnverifiedTokens(exceptions.Throttled):
    """429: this client spent its share of the calls to the auth server; `wait` is `Retry-After`."""

    default_detail = "Too many new tokens from this client; try again later."
    default_code = "too_many_unverified_tokens"

    def __init__(self, wait: int) -> None:
        super().__init__(wait=wait, detail=self.default_detail, code=self.default_code)


class AuthServiceUnavailable(ServiceUnavailable):
    """503: the auth server could not vouch for the token."""

    default_detail = "The authentication service is unavailable; try again shortly."
    default_code = "auth_service_unavailable"


def auth_service_unavailable(exc: CouldNotVouch) -> AuthServiceUnavailable:
    """Return the 503 for an auth server that could not vouch: its Retry-After, else RETRY_AFTER.

    The one mapping, used here and by the pass-through views (login, refresh, logout).
    """
    return AuthServiceUnavailable(wait=int(exc.retry_after or remote_auth_settings.RETRY_AFTER))


# Errors of a database that cannot answer now (down, unreachable, timed out), not of bad data.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


LOG_LEVELS: dict[Stage, int] = {
    "memory": logging.DEBUG,
    "redis": logging.DEBUG,
    "grace": logging.WARNING,
    "degraded": logging.WARNING,
}


def allows_degraded(request: Request) -> bool:
    """Return False when the view set `remote_auth_allow_degraded = False` (money, permissions)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "remote_auth_allow_degraded", True))


class LocalToken(Exception):
    """The token is one this service issued itself: simplejwt's, not ours to verify."""


@dataclass(frozen=True)
class Credential:
    """A Bearer token; its repr shows no token."""

    token: str = field(repr=False)

    @cached_property
    def fingerprint(self) -> str:
        """Return the token's fingerprint for log lines (hashed only when no entry carries it)."""
        return fingerprint(self.token)

    def fingerprint_of(self, verification: Verification) -> str:
        """Return the fingerprint `verification` carries (no hashing), else this token's."""
        return verification.fingerprint or self.fingerprint


@dataclass(frozen=True)
class RemoteAuth:
    """What `request.auth` holds for a remotely verified token."""

    identity: Identity
    source: Source
    verified_at: float
    fingerprint: str

    @property
    def degraded(self) -> bool:
        """Return True when the auth server did not vouch for this request just now."""
        return self.source in DEGRADED_SOURCES


class RemoteJWTAuthentication(BaseAuthentication):
    """Authenticate `Authorization: Bearer <token>` against the remote auth server."""

    keyword = "bearer"
    www_authenticate_realm = "api"

    def __init__(
        self, verifier: Verifier | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._verifier = verifier
        self.clock = clock

    @property
    def verifier(self) -> Verifier:
        return self._verifier or default_verifier()

    def authenticate(self, request: Request) -> tuple[Any, RemoteAuth] | None:
        """Return (user, RemoteAuth), None when the credential is not ours, or raise."""
        token = self.get_raw_token(request)
        if token is None:
            return None
        credential = Credential(token)
        try:
            verification = self.verify(credential, request)
        except LocalToken:
            return None
        if verification.source in DEGRADED_SOURCES and not allows_degraded(request):
            token_fp = credential.fingerprint_of(verification)
            self.log("refused", verification.source, token_fp, reason="view needs fresh auth")
            raise AuthServiceUnavailable(wait=int(remote_auth_settings.RETRY_AFTER))
        return self.get_user(verification), self.describe(verification, credential)

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{self.www_authenticate_realm}", error="invalid_token"'

    def get_raw_token(self, request: Request) -> str | None:
        """Return the Bearer token, None for no header or another scheme; raise when malformed."""
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not isinstance(header, str) or not header:
            return None
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != self.keyword:
            return None
        token = rest.strip()
        if token.startswith(tuple(remote_auth_settings.FOREIGN_TOKEN_PREFIXES)):
            return None  # e.g. a service token: another class's, decided before any JWT check
        if " " in token or not is_well_formed(token, remote_auth_settings.MAX_TOKEN_LENGTH):
            raise MalformedHeader()
        return token

    def claimed(self, credential: Credential, request: Request) -> Claimed:
        """Return what a token this process has not cached claims (read only then, off the hot
        path); raise LocalToken for a token this service issued, ExpiredToken once it expired."""
        claims = unverified_claims(credential.token)
        if is_local(claims, remote_auth_settings.LOCAL_ISSUER):
            raise LocalToken()
        exp = expiry(claims)
        if exp is not None and exp <= self.clock():
            self.log("rejected", "claims", credential.fingerprint, reason="expired")
            raise ExpiredToken()
        return Claimed(exp, client_key(request.META))

    def verify(self, credential: Credential, request: Request) -> Verification:
        """Return the token's Verification, mapping auth-server outcomes to DRF errors."""
        missed = False  # whether this process had no answer cached (a refusal's stage)

        def claimed() -> Claimed:
            nonlocal missed
            missed = True
            return self.claimed(credential, request)

        try:
            verification = self.verifier.verify(credential.token, claimed)
        except ShareSpent as exc:
            self.log("refused", "budget", credential.fingerprint, reason=exc.reason)
            raise TooManyUnverifiedTokens(wait=exc.retry_after) from exc
        except Rejected as exc:
            self.log(
                "rejected",
                "remote" if missed else "memory",
                credential.fingerprint,
                reason=exc.reason,
            )
            raise InvalidToken() from exc
        except CouldNotVouch as exc:
            self.log("unavailable", "remote", credential.fingerprint, reason=exc.reason)
            raise auth_service_unavailable(exc) from exc
        except UserDenied as exc:
            self.log(
                "denied", "remote" if missed else "memory", credential.fingerprint, reason=str(exc)
            )
            raise NotProvisioned() from exc
        except DATABASE_UNAVAILABLE as exc:
            self.log("unavailable", "database", credential.fingerprint, reason=type(exc).__name__)
            raise ServiceUnavailable(wait=int(remote_auth_settings.RETRY_AFTER)) from exc
        token_fp = credential.fingerprint_of(verification)
        self.log("ok", verification.source, token_fp, user=verification.identity.remote_id)
        return verification

    def get_user(self, verification: Verification) -> Any:
        """Return the local user of a verification; raise when it is missing or disabled."""
        prepared = verification.prepared_user
        if prepared is None:
            raise InvalidToken()
        user = prepared.build()  # a new instance per request: no user object is shared
        if not user.is_active:
            raise InactiveUser()
        return user

    def describe(self, verification: Verification, credential: Credential) -> RemoteAuth:
        """Return the `request.auth` object of a verification."""
        return RemoteAuth(
            identity=verification.identity,
            source=verification.source,
            verified_at=verification.verified_at,
            fingerprint=credential.fingerprint_of(verification),
        )

    def log(self, outcome: Outcome, source: Stage, token_fp: str, **fields: str) -> None:
        """Count and log one verification outcome: never the token, only its fingerprint."""
        record_verification(outcome, source)
        bind(auth_source=source, token_fp=token_fp, user_id=fields.get("user"))
        level = LOG_LEVELS.get(source, logging.INFO)
        if logger.isEnabledFor(level):
            extra = " ".join(f"{key}={value}" for key, value in fields.items())
            logger.log(
                level,
                "verification outcome=%s source=%s fp=%s %s",
                outcome,
                source,
                token_fp,
                extra,
            )


class CookieAuthentication(RemoteJWTAuthentication):
    """Authenticate a browser by the access token in its HttpOnly cookie (REMOTE_AUTH
    ACCESS_COOKIE), through the same pipeline as a Bearer token.

    A request with an `Authorization` header is left to the Bearer classes (Bearer wins). Unsafe
    methods need Django's CSRF token, as with DRF's SessionAuthentication, checked before anything
    is verified: a cross-site form posting with the cookie alone is a 403.
    """

    def get_raw_token(self, request: Request) -> str | None:
        """Return the cookie's token; None with an Authorization header, no cookie or junk."""
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        token = request.COOKIES.get(remote_auth_settings.ACCESS_COOKIE)
        if not token or not is_well_formed(token, remote_auth_settings.MAX_TOKEN_LENGTH):
            return None
        self.enforce_csrf(request)
        return str(token)

    def enforce_csrf(self, request: Request) -> None:
        """Raise PermissionDenied unless the request carries its CSRF proof (safe methods need none)."""
        SessionAuthentication().enforce_csrf(request)


class LocalJWTAuthentication(JWTAuthentication):
    """simplejwt's class for tokens this service issued itself, counted and logged like remote ones."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            result = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            record_verification("rejected", "local")
            raise
        if result is not None:
            record_verification("ok", "local")
            bind(auth_source="local", user_id=str(result[0].pk))
        return result

    def get_validated_token(self, raw_token: bytes) -> Token:
        """Return simplejwt's validated token; raise InvalidToken once it was logged out."""
        validated = super().get_validated_token(raw_token)
        jti = str(validated.get(simplejwt_settings.JTI_CLAIM, ""))
        if default_denylist().refuses_jti(jti, expiry(validated.payload)):
            raise InvalidToken()
        return validated
