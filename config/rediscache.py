"""How this deployment reaches Redis: one URL (`redis://`, `rediss://` for TLS) or Sentinel
(with `rediss://`: TLS to the sentinels and the master).

Every Redis connection of the project (verification cache, marks, breaker, budget, leases, the
invalidation pub/sub, throttles, the rate limiter, readiness) goes through a django-redis cache
built here, so each of them follows the same Sentinel and TLS settings.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from redis.connection import parse_url

SENTINEL_CLIENT = "django_redis.client.SentinelClient"
SENTINEL_FACTORY = "django_redis.pool.SentinelConnectionFactory"
# What each TLS option becomes in redis-py's connection arguments.
TLS_ARGUMENTS = {"ca_certs": "ssl_ca_certs", "certfile": "ssl_certfile", "keyfile": "ssl_keyfile"}


@dataclass(frozen=True)
class Problem:
    """One inconsistency of the Redis settings, reported as a system check error."""

    id: str
    message: str
    hint: str


def sentinel_address(entry: str) -> tuple[str, int] | None:
    """Return `host:port` (IPv6 as `[::1]:26379`) as a pair, or None when it is not one (a URL,
    credentials and paths are not: `@` and `/` never appear in a host)."""
    host, sep, port = entry.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    if "@" in host or "/" in host:
        return None
    return host, int(port)


def redacted(entry: str) -> str:
    """Return a settings entry fit for a message: anything up to an `@` (credentials) hidden."""
    return f"…@{entry.rpartition('@')[2]}" if "@" in entry else entry


def url_options_problem(url: str) -> bool:
    """Return True when redis-py cannot read the URL's options (`?socket_timeout=abc`): each
    connection would raise, every request a 500."""
    try:
        parse_url(url)  # type: ignore[no-untyped-call]
    except ValueError:
        return True
    return False


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError on a port that is not a number
    except ValueError:
        return None
    return parts


@dataclass(frozen=True)
class RedisConnection:
    """The Redis settings read from the environment (see .env.example, "Cache").

    url: REDIS_URL. sentinels / master: REDIS_SENTINELS (`host:port` entries) and
    REDIS_SENTINEL_MASTER; with them, `url` may only add credentials and a database number, its
    host left empty or naming the master. sentinel_password: REDIS_SENTINEL_PASSWORD, the
    sentinels' own `requirepass` (the master's password stays in the URL). ca_certs / certfile /
    keyfile: REDIS_TLS_* files for `rediss://` URLs.
    """

    url: str = ""
    sentinels: tuple[str, ...] = ()
    master: str = ""
    sentinel_password: str = field(default="", repr=False)
    ca_certs: str = ""
    certfile: str = ""
    keyfile: str = ""

    @property
    def configured(self) -> bool:
        """Return True when Redis is asked for at all (else caches stay in-process)."""
        return bool(self.url or self.sentinels or self.master)

    @property
    def sentinel(self) -> bool:
        """Return True when the master is found through Sentinel."""
        return bool(self.sentinels or self.master)

    def location(self) -> Any:
        """Return the cache LOCATION: the URL, or (Sentinel) a one-entry list naming the master.

        One entry: reads go to the master too, so a revocation mark is read where it was written
        (django-redis would otherwise read from a replica, which may lag).
        """
        if not self.sentinel:
            return self.url
        parts = _split(self.url) or urlsplit("")
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@{self.master}" if credentials else self.master
        return [urlunsplit(("redis", netloc, parts.path or "/0", parts.query, ""))]

    @property
    def tls(self) -> bool:
        """Return True when REDIS_URL is a rediss:// URL (with Sentinel: TLS to the sentinels too)."""
        parts = _split(self.url)
        return bool(parts and parts.scheme == "rediss")

    def options(self, timeout: float) -> dict[str, Any]:
        """Return the django-redis OPTIONS that Sentinel and TLS add to a cache entry.

        `timeout` bounds each connect and command; with Sentinel and TLS or a sentinel password it
        is given to the sentinels' connections explicitly (django-redis passes them only socket
        options, and redis-py copies those only when no sentinel arguments are given).
        """
        files = {
            arg: getattr(self, name) for name, arg in TLS_ARGUMENTS.items() if getattr(self, name)
        }
        if not self.sentinel:
            return {"CONNECTION_POOL_KWARGS": files} if files else {}
        options: dict[str, Any] = {
            "CLIENT_CLASS": SENTINEL_CLIENT,
            "CONNECTION_FACTORY": SENTINEL_FACTORY,
            "SENTINELS": [a for a in map(sentinel_address, self.sentinels) if a is not None],
        }
        sentinel_kwargs: dict[str, Any] = (
            {"password": self.sentinel_password} if self.sentinel_password else {}
        )
        if self.tls:
            options["CONNECTION_POOL_KWARGS"] = {"ssl": True, **files}
            sentinel_kwargs.update({"ssl": True, **files})
        if sentinel_kwargs:  # given any, redis-py no longer copies the timeouts to the sentinels
            sockets = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
            options["SENTINEL_KWARGS"] = {**sentinel_kwargs, **sockets}
        return options

    def problems(self) -> list[Problem]:
        """Return every inconsistency of these settings (none: Redis can be reached as set)."""
        return self._url_problems() + self._sentinel_problems() + self._tls_problems()

    def _url_problems(self) -> list[Problem]:
        if not self.url:
            return []
        parts = _split(self.url)
        usable = parts and parts.scheme in ("redis", "rediss") and (parts.hostname or self.sentinel)
        if usable and not url_options_problem(self.url):
            return []
        return [
            Problem(
                "redis.E001",
                "REDIS_URL is not a redis:// or rediss:// URL with a host and readable options.",
                "E.g. REDIS_URL=redis://127.0.0.1:6379/0 (rediss:// for TLS); options such as "
                "?socket_timeout= take numbers.",
            )
        ]

    def _sentinel_problems(self) -> list[Problem]:
        if not self.sentinel:
            return self._unused_sentinel_password()
        problems = []
        if not self.sentinels or not self.master:
            problems.append(
                Problem(
                    "redis.E002",
                    "REDIS_SENTINELS and REDIS_SENTINEL_MASTER must be set together.",
                    "E.g. REDIS_SENTINELS=10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379 and "
                    "REDIS_SENTINEL_MASTER=mymaster (the name in sentinel.conf).",
                )
            )
        bad = [entry for entry in self.sentinels if sentinel_address(entry) is None]
        if bad:
            problems.append(
                Problem(
                    "redis.E003",
                    "REDIS_SENTINELS entries are not host:port: "
                    f"{', '.join(repr(redacted(entry)) for entry in bad)}.",
                    "Separate entries with commas; write IPv6 hosts as [::1]:26379.",
                )
            )
        return problems + self._sentinel_url_problems()

    def _sentinel_url_problems(self) -> list[Problem]:
        parts = _split(self.url)
        if parts is None or not parts.hostname or parts.hostname == self.master.lower():
            return []
        return [
            Problem(
                "redis.E004",
                f"REDIS_URL names host {parts.hostname!r}, but with Sentinel the master is "
                "found by REDIS_SENTINEL_MASTER.",
                "With Sentinel, REDIS_URL only adds a password and database: "
                "redis://:PASSWORD@/0 (rediss:// for TLS), or leave it unset.",
            )
        ]

    def _unused_sentinel_password(self) -> list[Problem]:
        if not self.sentinel_password:
            return []
        return [
            Problem(
                "redis.E006",
                "REDIS_SENTINEL_PASSWORD is set, but REDIS_SENTINELS is not: it is not used.",
                "Set REDIS_SENTINELS and REDIS_SENTINEL_MASTER, or unset REDIS_SENTINEL_PASSWORD "
                "(a plain Redis takes its password in REDIS_URL: redis://:PASSWORD@host:6379/0).",
            )
        ]

    def _tls_problems(self) -> list[Problem]:
        tls = [f"REDIS_TLS_{name.upper()}" for name in TLS_ARGUMENTS if getattr(self, name)]
        if not tls or self.tls:
            return []
        return [
            Problem(
                "redis.E005",
                f"{', '.join(tls)} set, but REDIS_URL is not a rediss:// URL: no TLS is used.",
                "Use rediss://host:port/0, or unset the REDIS_TLS_* variables.",
            )
        ]
