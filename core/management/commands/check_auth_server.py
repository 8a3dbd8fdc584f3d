"""`manage.py check_auth_server`: is the configured auth server reachable, healthy and on-contract?"""

import argparse
import getpass
import json
import sys
from typing import IO, Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)

from core.conf import remote_auth_settings
from core.contract.diagnosis import outcome
from core.contract.network import parse_url
from core.contract.probe import Credentials, Probe
from core.contract.report import Report, Step
from core.wiring import JWKS_PATH, claim_rules

MAX_SAMPLES = 50
USAGE = 2
EXIT_STATUSES = {"unreachable": 3, "unavailable": 4, "bad_response": 5, "rejected": 6}
HELP = """\
Check the auth server at REMOTE_AUTH["BASE_URL"] (or --url): DNS and TCP connect time, TLS,
/health status and body, /health latency (p50/p90/max over --samples calls) and, with
credentials, login → /me → logout. In AUTH_VERIFY_MODE jwks or hybrid (or with --jwks): the JWKS
(reachable, key types and algorithms, duplicate or missing kids, whether the sample token
verifies). What this service needs fails (an access token, a user id);
what it copes with although the contract says otherwise warns.
Tokens and passwords are read from standard input or a prompt, and never printed.

exit statuses:
  0  this service works with this server (warnings: what the contract describes otherwise,
     such as integer ids, no health endpoint, or plain HTTP to a non-loopback host)
  1  the command itself crashed (a bug: see the traceback)
  2  usage error: bad option, bad --url, nothing on standard input
  3  unreachable: DNS failure, connection refused or dropped, timeout, TLS error
  4  unavailable: HTTP 5xx (a proxy's HTML error page included) or 429 rate limited
  5  bad response: an answer this service cannot use (non-JSON, unexpected status, no user id
     or no access token)
  6  rejected: wrong e-mail or password, account not allowed, or token refused
When several checks fail, the status is that of the first failure.
"""
MARKS = {"ok": "ok", "warn": "warn", "fail": "FAIL"}


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keep the description's line breaks (the exit status table) and Django's option order."""


class Command(BaseCommand):
    help = HELP
    stealth_options = ("stdin",)
    requires_system_checks: list[str] = []  # a diagnostic must run even when checks fail

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="auth server base URL (default: REMOTE_AUTH BASE_URL)")
        parser.add_argument(
            "--samples",
            type=int,
            default=5,
            help=f"/health calls for latency (default 5, at most {MAX_SAMPLES}: each one counts"
            " against the auth server's rate limit)",
        )
        parser.add_argument("--connect-timeout", type=float, help="seconds (default: settings)")
        parser.add_argument("--read-timeout", type=float, help="seconds (default: settings)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--jwks", action="store_true", help="check the JWKS too (default: in jwks/hybrid mode)"
        )
        who = parser.add_mutually_exclusive_group()
        who.add_argument(
            "--token-stdin",
            action="store_true",
            help="read an access token from standard input and check /me with it",
        )
        who.add_argument(
            "--email",
            help="log in as this user, check /me, log out; the password comes from"
            " --password-stdin or a prompt",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="with --email: read the password from standard input (first line)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        probe = self.probe(options)
        credentials = self.credentials(options, options.get("stdin") or sys.stdin)
        report = probe.run(credentials)
        secrets = [s for s in (credentials.password, credentials.token) if s]
        status = exit_status(report)
        if options["json"]:
            self.stdout.write(
                redact(json.dumps({**report.to_dict(), "exitStatus": status}), secrets)
            )
        elif options["verbosity"] > 0:
            self.stdout.write(redact(self.render(report, status), secrets))
        failure = report.failure
        if failure is not None:
            message = f"{failure.name}: {failure.summary}"
            raise CommandError(redact(message, secrets), returncode=status)

    def probe(self, options: dict[str, Any]) -> Probe:
        """Return the Probe the options describe; raise CommandError (status 2) when they are bad."""
        try:
            endpoint = parse_url(options["url"] or remote_auth_settings.BASE_URL)
        except ValueError as exc:
            raise CommandError(f"--url: {exc}", returncode=USAGE) from exc
        if not 1 <= options["samples"] <= MAX_SAMPLES:
            raise CommandError(f"--samples must be from 1 to {MAX_SAMPLES}", returncode=USAGE)
        connect, read = options["connect_timeout"], options["read_timeout"]
        connect = float(remote_auth_settings.CONNECT_TIMEOUT) if connect is None else connect
        read = float(remote_auth_settings.READ_TIMEOUT) if read is None else read
        if connect <= 0 or read <= 0:
            raise CommandError("timeouts must be positive", returncode=USAGE)
        jwks = None
        if options.get("jwks") or remote_auth_settings.VERIFY_MODE != "remote":
            jwks = (str(remote_auth_settings.JWKS_URL or JWKS_PATH), claim_rules())
        return Probe(
            endpoint,
            connect_timeout=connect,
            read_timeout=read,
            samples=options["samples"],
            jwks=jwks,
        )

    def credentials(self, options: dict[str, Any], stdin: IO[str]) -> Credentials:
        """Return the credentials to sign in with, read from stdin or a prompt when asked for."""
        if options["password_stdin"] and not options["email"]:
            raise CommandError("--password-stdin needs --email", returncode=USAGE)
        if options["token_stdin"]:
            return Credentials(token=read_secret(stdin, "an access token", strip=True))
        if not options["email"]:
            return Credentials()
        if options["password_stdin"]:
            password = read_secret(stdin, "a password", strip=False)
        else:
            password = getpass.getpass(f"Password for {options['email']}: ")
        return Credentials(email=options["email"], password=password)

    def render(self, report: Report, status: int) -> str:
        """Return the readable report."""
        lines = [f"Auth server {report.url}"]
        lines += [line for step in report.steps for line in self.render_step(step)]
        failure = report.failure
        if report.stopped and failure is not None:
            lines.append(f"Checks that need a working server were skipped after {failure.name}.")
        if failure is None:
            lines.append(self.style.SUCCESS("OK: every check passed (exit status 0)."))
        else:
            verdict = f"FAILED at {failure.name} ({failure.kind}): exit status {status}."
            lines.append(self.style.ERROR(verdict))
        return "\n".join(lines)

    def render_step(self, step: Step) -> list[str]:
        """Return a step's line, then one line per contract problem."""
        style = {"ok": self.style.SUCCESS, "warn": self.style.WARNING}.get(step.status)
        mark = (style or self.style.ERROR)(f"{MARKS.get(step.status, step.status):<5}")
        return [f"  {mark} {step.name:<8} {step.summary}"] + [
            f"          - {p}" for p in step.problems
        ]


def exit_status(report: Report) -> int:
    """Return the exit status of a report: 0, or that of its first failure's outcome."""
    failure = report.failure
    return 0 if failure is None else EXIT_STATUSES[outcome(failure.kind or "contract")]


def read_secret(stdin: IO[str], what: str, *, strip: bool) -> str:
    """Return the first line of stdin (its line break removed); raise CommandError when empty."""
    line = stdin.readline()
    value = line.strip() if strip else line.rstrip("\r\n")
    if not value:
        raise CommandError(f"expected {what} on standard input, got nothing", returncode=USAGE)
    return value


def redact(text: str, secrets: list[str]) -> str:
    """Return `text` with every secret replaced: a last guard, since nothing should contain one."""
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text
