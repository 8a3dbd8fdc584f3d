"""Check a running auth server against the contract: network, /health, and optionally a session.

Steps run in order: dns → tcp → tls → health (+ latency over the samples) → login → me → logout,
and with `jwks` given, the JWKS (its sample token: the login's, or the one given).
What this service needs fails a step (no answer, a 5xx, no access token, no user id); what it copes
with although the auth-server contract describes it otherwise warns. A step that finds the
server unreachable or unavailable stops the run. A session the probe opens, it closes, whatever
fails. Nothing here prints.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from socket import socket
from typing import Any

import requests

from core.client import AuthServiceClient, HealthAnswer
from core.exceptions import AuthServiceError, BadResponse, Rejected
from core.identity import normalize
from core.tokens import ClaimRules

from .diagnosis import Finding, diagnose
from .exchange import Recorder
from .keys import jwks_step
from .network import (
    Endpoint,
    NetworkFailure,
    connect,
    handshake,
    is_ip_literal,
    is_loopback,
    resolve,
)
from .report import Report, Step, describe
from .validation import validate

DNS_TIMEOUT = 5.0
CERT_WARN_DAYS = 14
PLAIN_REMOTE = (
    "not used: plain HTTP to a non-loopback host, tokens and passwords travel unencrypted"
)
PLAIN_LOCAL = "not used: plain HTTP to a loopback address (a local server or an SSH tunnel)"


@dataclass(frozen=True)
class Credentials:
    """What to sign in with: an e-mail and password, or an access token (never in a repr)."""

    email: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


class Probe:
    """Run the checks against one auth server, its API calls through `AuthServiceClient`."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        connect_timeout: float,
        read_timeout: float,
        samples: int = 5,
        session: requests.Session | None = None,
        jwks: tuple[str, ClaimRules] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.jwks = jwks
        self.timeouts = (connect_timeout, read_timeout)
        self.samples = samples
        self.recorder = Recorder()
        self._sample: str | None = None  # the login's access token, checked against the JWKS
        self.client = AuthServiceClient(
            endpoint.base_url,
            session=self.recorder.attach(session or requests.Session()),
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )

    def run(self, credentials: Credentials) -> Report:
        """Return the report of every step that could run."""
        report = Report(url=self.endpoint.base_url)
        if not (self.network(report) and self.health(report)):
            return report
        if credentials.email:
            self.session(report, credentials.email, credentials.password or "")
        elif credentials.token:
            self.me(report, credentials.token, expected=None)
        if self.jwks is not None and not report.stopped:
            url, rules = self.jwks
            sample = credentials.token or self._sample
            fetch = lambda: self.client.jwks(url)  # noqa: E731
            report.add(jwks_step(fetch, rules, sample, lambda exc: self._finding(exc).message))
        return report

    def network(self, report: Report) -> bool:
        """Time DNS, TCP connect and (for https) the TLS handshake; False when one fails."""
        host, port = self.endpoint.host, self.endpoint.port
        try:
            infos, seconds = resolve(host, port, DNS_TIMEOUT)
        except NetworkFailure as exc:
            return report.add(Step("dns", "fail", exc.message, exc.kind))
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        how = " (an IP address: no lookup)" if is_ip_literal(host) else ""
        summary = f"{host} resolved to {', '.join(addresses)} in {_ms(seconds)} ms{how}"
        report.add(Step("dns", "ok", summary, details={"addresses": addresses, "ms": _ms(seconds)}))
        try:
            sock, address, seconds = connect(infos, self.timeouts[0])
        except NetworkFailure as exc:
            return report.add(Step("tcp", "fail", exc.message, exc.kind))
        summary = f"connected to {address} port {port} in {_ms(seconds)} ms"
        report.add(Step("tcp", "ok", summary, details={"address": address, "ms": _ms(seconds)}))
        with sock:
            return report.add(self.tls(sock, addresses))

    def tls(self, sock: socket, addresses: list[str]) -> Step:
        """Return the TLS step: the handshake for https, a judgement of plain HTTP otherwise."""
        if not self.endpoint.tls:
            return _plain_http(addresses)
        try:
            version, seconds, expires = handshake(sock, self.endpoint.host)
        except NetworkFailure as exc:
            return Step("tls", "fail", exc.message, exc.kind)
        days = None if expires is None else int((expires - time.time()) // 86400)
        details = {"used": True, "version": version, "ms": _ms(seconds), "certificateDays": days}
        summary = f"{version}, certificate verified, handshake in {_ms(seconds)} ms"
        if days is not None and days < CERT_WARN_DAYS:
            return Step("tls", "warn", f"{summary}; it expires in {days} days", None, details)
        return Step("tls", "ok", summary, details=details)

    def health(self, report: Report) -> bool:
        """Call /health `samples` times; check every status, the first body, and the latency."""
        seconds: list[float] = []
        checked: Step | None = None
        for _ in range(self.samples):
            started = time.perf_counter()
            try:
                answer = self.client.health()
            except AuthServiceError as exc:
                return report.add(Step.failed("health", self._health_failure(exc)))
            seconds.append(time.perf_counter() - started)
            checked = checked or self._health_body(answer)
        if checked is not None:
            report.add(checked)
        return report.add(_latency(seconds))

    def session(self, report: Report, email: str, password: str) -> None:
        """Log in, check /me with the new token, and log that session out again (always)."""
        login = self.login(report, email, password)
        if login is None:
            return
        token = login.get("accessToken")
        self._sample = token if isinstance(token, str) else None
        try:
            if not isinstance(token, str):
                report.add(Step("me", "fail", "the login answer has no accessToken", "contract"))
            elif not report.stopped:
                self.me(report, token, expected=_remote_id(login))
        finally:
            self.logout(report, login, token if isinstance(token, str) else None)

    def login(self, report: Report, email: str, password: str) -> dict[str, Any] | None:
        """Sign in; return the login data, None when refused or failed."""
        try:
            data = self.client.login(email, password)
        except Rejected as exc:
            report.add(self._refused_login(exc))
            return None
        except AuthServiceError as exc:
            report.add(Step.failed("login", self._finding(exc)))
            return None
        offered = isinstance(data.get("refreshToken"), str)
        summary = f"logged in as {email} (refresh token {'offered' if offered else 'not offered'})"
        report.add(Step.checked("login", summary, self._problems("login"), refreshToken=offered))
        return data

    def me(self, report: Report, token: str, expected: str | None) -> None:
        """Check /me against the schema and that it normalises to an Identity."""
        try:
            identity = self.client.me(token)
        except Rejected as exc:
            why = "forbidden" if exc.status == 403 else "expired, revoked or not from this server"
            message = f"the token was refused (HTTP {exc.status}{_code(exc)}): {why}"
            report.add(
                Step("me", "fail", message, "forbidden" if exc.status == 403 else "token_rejected")
            )
            return
        except BadResponse as exc:
            report.add(Step.failed("me", self._finding(exc), self._problems("me")))
            return
        except AuthServiceError as exc:
            report.add(Step.failed("me", self._finding(exc)))
            return
        report.identity = identity
        problems = self._problems("me")
        if expected is not None and identity.remote_id != expected:
            problems.append("body: the /me user is not the user who logged in")
        report.add(Step.checked("me", describe(identity), problems))

    def logout(self, report: Report, login: dict[str, Any], token: str | None) -> None:
        """End the session this probe opened; a failure only warns (clients ignore them)."""
        refresh = login.get("refreshToken")
        try:
            self.client.logout(refresh if isinstance(refresh, str) else None, token)
        except AuthServiceError as exc:
            message = f"{self._finding(exc).message}; the session lasts until its tokens expire"
            report.add(Step("logout", "warn", message))
            return
        problems = self._problems("logout")
        summary = "closed the session this check opened"
        report.add(Step("logout", "warn" if problems else "ok", summary, problems=problems))

    def _problems(self, endpoint: str) -> list[str]:
        exchange = self.recorder.take()
        if exchange is None:
            return []
        return validate(endpoint, exchange.body) if exchange.is_json else ["body: not JSON"]

    def _finding(self, exc: AuthServiceError) -> Finding:
        return diagnose(exc, self.recorder.last, self.timeouts)

    def _health_failure(self, exc: AuthServiceError) -> Finding:
        exchange = self.recorder.last
        if exchange is not None and exchange.status == 503 and exchange.is_json:
            fields = _fields(_details(exchange.body))
            return Finding(
                "server_error", f"HTTP 503: the auth server reports itself unhealthy{fields}"
            )
        return self._finding(exc)

    def _health_body(self, answer: HealthAnswer) -> Step:
        problems = self._problems("health")
        if answer.status != 200:
            what = f"HTTP {answer.status}" if answer.status else "an answer that is not JSON"
            return Step(
                "health",
                "warn",
                f"{what} on /health: this service counts any answer below 500 as up; is "
                f"{self.endpoint.base_url} the auth server (check login with --email)?",
            )
        verdict = "" if problems else ", body matches the contract"
        return Step.checked("health", f"HTTP 200{verdict}{_fields(answer.details())}", problems)

    def _refused_login(self, exc: Rejected) -> Step:
        if exc.status == 403:
            why, kind = "the account may not sign in (unverified e-mail, or inactive)", "forbidden"
        else:
            why, kind = "wrong e-mail or password", "bad_credentials"
        message = f"login refused (HTTP {exc.status}{_code(exc)}): {why}"
        return Step("login", "fail", message, kind, problems=self._problems("error"))


def percentile(values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile (`share` in 0..1, 0.5 the median) of values; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered), max(1, math.ceil(share * len(ordered)))) - 1])


def _plain_http(addresses: list[str]) -> Step:
    if is_loopback(addresses):
        return Step("tls", "ok", PLAIN_LOCAL, details={"used": False, "loopback": True})
    return Step("tls", "warn", PLAIN_REMOTE, details={"used": False, "loopback": False})


def _latency(seconds: list[float]) -> Step:
    p50, p90 = _ms(percentile(seconds, 0.5)), _ms(percentile(seconds, 0.9))
    top = _ms(max(seconds))
    summary = f"{len(seconds)} calls of /health: p50 {p50} ms, p90 {p90} ms, max {top} ms"
    details = {"samples": len(seconds), "p50Ms": p50, "p90Ms": p90, "maxMs": top}
    return Step("latency", "ok", summary, details=details)


def _remote_id(login: dict[str, Any]) -> str | None:
    try:
        return normalize(login).remote_id
    except BadResponse:
        return None


def _details(body: Any) -> dict[str, str]:
    return HealthAnswer(None, body if isinstance(body, dict) else {}).details()


def _fields(details: dict[str, str]) -> str:
    shown = [f"{key} {value[:40]!r}" for key, value in details.items()]
    return f" ({', '.join(shown)})" if shown else ""


def _code(exc: Rejected) -> str:
    return f" '{exc.code}'" if exc.code else ""


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
