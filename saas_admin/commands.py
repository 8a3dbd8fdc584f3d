"""Run the CLI's commands; each returns an exit status and the JSON to print (or None).

Passwords come from getpass or, for scripts, from stdin: never from an argument.
"""

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from .client import SaaSAdminClient
from .errors import SaaSAdminError

Outcome = tuple[int, Any]
Command = Callable[[SaaSAdminClient, argparse.Namespace], Outcome]

OK = 0
NO = 1  # a question answered "no" (check-subscription)


class UsageError(SaaSAdminError):
    """Raised when the command line cannot be run as given (a missing e-mail or password)."""

    default_code = "usage"


def login(client: SaaSAdminClient, args: argparse.Namespace) -> Outcome:
    """Log in and print who logged in (never the tokens)."""
    email = args.email or _prompt("E-mail: ")
    password = _stdin_line() if args.password_stdin else getpass.getpass("Password: ")
    if not email or not password:
        raise UsageError("an e-mail and a password are required")
    return OK, client.login(email, password)


def logout(client: SaaSAdminClient, args: argparse.Namespace) -> Outcome:
    """Log out; the local session is forgotten even when the servers cannot be told."""
    had_session = client.tokens is not None
    try:
        client.logout()
    except SaaSAdminError as exc:
        message = f"forgot the local session, but the logout was not confirmed: {exc} [{exc.code}]"
        print(f"saas-admin: warning: {message}", file=sys.stderr)
    return OK, {"loggedOut": had_session}


def whoami(client: SaaSAdminClient, args: argparse.Namespace) -> Outcome:
    """Print the caller as SaaS Admin sees them."""
    return OK, client.whoami()


def orgs(client: SaaSAdminClient, args: argparse.Namespace) -> Outcome:
    """Print the caller's organizations."""
    return OK, client.organizations()


def org(client: SaaSAdminClient, args: argparse.Namespace) -> Outcome:
    """Print one organization."""
    return OK, client.organization(args.id)


def check_subscription(client: SaaSAdminClient, args: argparse.Namespace) -> Outcome:
    """Print the check; exit OK when the subscription is active, NO when it is not."""
    result = client.check_subscription(args.org, args.product)
    return (OK if result["hasActiveSubscription"] else NO), result


def _prompt(text: str) -> str:
    """Return one line typed after `text`; the prompt goes to stderr to keep stdout JSON."""
    print(text, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip()


def _stdin_line() -> str:
    """Return the first line of stdin without its line break (the password may hold spaces)."""
    return sys.stdin.readline().rstrip("\r\n")
