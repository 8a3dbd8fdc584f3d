"""Django system checks for the adapter's configuration (ids remote_auth.E001…, W001…)."""

from typing import Any
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .clientaddr import trusted_proxies
from .conf import CHOICES
from .conf import remote_auth_settings as conf
from .models import MAX_ISSUER_LENGTH
from .tokens import asymmetric
from .wiring import allowed_algorithms

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
AUTH_CLASS = "core.authentication.RemoteJWTAuthentication"
PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def _parse(url: Any) -> SplitResult | None:
    try:
        return urlsplit(url) if isinstance(url, str) else None
    except ValueError:
        return None


def _url_messages(url: Any, production: bool) -> list[CheckMessage]:
    parts = _parse(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Error(
                "REMOTE_AUTH['BASE_URL'] is missing or not an http(s) URL.",
                hint="Set REMOTE_AUTH['BASE_URL'], e.g. http://localhost:4000.",
                id="remote_auth.E001",
            )
        ]
    if production and parts.scheme == "http" and parts.hostname not in LOOPBACK:
        return [
            Warning(
                "The auth server is reached over plain HTTP on a non-loopback host.",
                hint="Use https://, or reach it through an SSH tunnel on localhost.",
                id="remote_auth.W001",
            )
        ]
    return []


def _cache_messages(production: bool) -> list[CheckMessage]:
    backend = settings.CACHES.get(conf.CACHE_ALIAS, {}).get("BACKEND")
    if backend is None:
        return [Error(f"Cache alias {conf.CACHE_ALIAS!r} does not exist.", id="remote_auth.E002")]
    if production and backend in PROCESS_CACHES:
        return [
            Warning(
                "The verification cache is per process: revocation, single-flight, the breaker "
                "and the upstream budget are not shared between workers.",
                hint="Point REMOTE_AUTH['CACHE_ALIAS'] at a shared cache (Redis).",
                id="remote_auth.W002",
            )
        ]
    return []


def _ttl_messages() -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if float(conf.NEGATIVE_TTL) >= float(conf.POSITIVE_TTL):
        messages.append(Error("NEGATIVE_TTL must be below POSITIVE_TTL.", id="remote_auth.E003"))
    if float(conf.CONNECT_TIMEOUT) <= 0 or float(conf.READ_TIMEOUT) <= 0:
        messages.append(Error("Auth server timeouts must be positive.", id="remote_auth.E004"))
    if conf.PROVISIONING not in CHOICES["PROVISIONING"]:
        messages.append(
            Error(
                "REMOTE_AUTH['PROVISIONING'] must be create, link_email or deny.",
                id="remote_auth.E005",
            )
        )
    issuer = conf.ISSUER_ID
    if not isinstance(issuer, str) or not issuer.strip() or len(issuer) > MAX_ISSUER_LENGTH:
        messages.append(
            Error(
                f"REMOTE_AUTH['ISSUER_ID'] must be a name of 1 to {MAX_ISSUER_LENGTH} characters.",
                hint="Set REMOTE_AUTH['ISSUER_ID'] to the operator's name for the auth server.",
                id="remote_auth.E010",
            )
        )
    return messages


def _guard_messages() -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if conf.TOKEN_FORMAT not in CHOICES["TOKEN_FORMAT"]:
        messages.append(
            Error("REMOTE_AUTH['TOKEN_FORMAT'] must be jwt or opaque.", id="remote_auth.E006")
        )
    try:
        trusted_proxies()
    except ValueError as exc:
        messages.append(
            Error(
                f"REMOTE_AUTH['TRUSTED_PROXIES'] holds a malformed network: {exc}",
                hint="List CIDRs, e.g. 127.0.0.1/32,10.0.0.0/8.",
                id="remote_auth.E007",
            )
        )
    return messages


def _mode_messages() -> list[CheckMessage]:
    """AUTH_VERIFY_MODE: a known word, and for jwks/hybrid a public-key algorithm and JWTs."""
    mode = conf.VERIFY_MODE
    if mode not in CHOICES["VERIFY_MODE"]:
        return [
            Error(
                "REMOTE_AUTH['VERIFY_MODE'] must be remote, jwks or hybrid.", id="remote_auth.E020"
            )
        ]
    jwt_tokens = conf.TOKEN_FORMAT == "jwt"  # noqa: S105  # a format name, not a password
    if mode != "remote" and (not asymmetric(allowed_algorithms()) or not jwt_tokens):
        return [
            Error(
                f"VERIFY_MODE {mode} needs TOKEN_FORMAT jwt and a public-key algorithm "
                "(RS*, PS*, ES*, EdDSA) in JWT_ALGORITHMS.",
                id="remote_auth.E021",
            )
        ]
    return []


def _order_messages() -> list[CheckMessage]:
    classes = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_AUTHENTICATION_CLASSES", [])
    if not classes or classes[0] != AUTH_CLASS:
        return [
            Warning(
                f"{AUTH_CLASS} is not the first DEFAULT_AUTHENTICATION_CLASSES entry.",
                hint="Put it first so remote tokens are never handed to another class.",
                id="remote_auth.W003",
            )
        ]
    return []


@register(Tags.security, deploy=False)
def check_remote_auth(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Return the configuration problems of the remote-auth adapter."""
    production = not settings.DEBUG
    return [
        *_url_messages(conf.BASE_URL, production),
        *_cache_messages(production),
        *_ttl_messages(),
        *_guard_messages(),
        *_mode_messages(),
        *_order_messages(),
    ]
