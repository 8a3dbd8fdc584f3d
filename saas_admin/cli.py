"""Parse `python -m saas_admin ...`, run the command, keep the session, print JSON or the error.

This module is the one place that reads the environment.
"""

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from . import commands
from .client import SaaSAdminClient
from .errors import SaaSAdminError, ServiceUnavailable
from .store import TokenStore
from .tokens import Tokens

ClientFactory = Callable[[str, str], SaaSAdminClient]
DEFAULT_AUTH_URL = "http://localhost:4000"
DEFAULT_API_URL = "http://127.0.0.1:8000"
ERROR = 2
INTERRUPTED = 130

EPILOG = """\
exit status:
  0    success (check-subscription: the subscription is active)
  1    check-subscription: no active subscription
  2    error: bad usage, not logged in, session over, refused, server unavailable or
       unreadable answer; stderr says which, with the server's code in [brackets]
  130  interrupted

environment:
  SAAS_ADMIN_AUTH_URL    the auth server (default http://localhost:4000)
  SAAS_ADMIN_API_URL     SaaS Admin (default http://127.0.0.1:8000)
  SAAS_ADMIN_CONFIG_DIR  where tokens.json is kept, mode 0600
                         (default $XDG_CONFIG_HOME/saas-admin or ~/.config/saas-admin)

Tokens are never accepted as arguments and never printed.
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the whole command line."""
    parser = argparse.ArgumentParser(
        prog="saas-admin",
        description="Log in once, then query SaaS Admin. Prints JSON.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--auth-url", help="auth server URL (env SAAS_ADMIN_AUTH_URL)")
    parser.add_argument("--api-url", help="SaaS Admin URL (env SAAS_ADMIN_API_URL)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print no JSON; use the status")
    parser.add_argument("-v", "--verbose", action="store_true", help="log retries to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    login = sub.add_parser("login", help="log in (prompts for the password)")
    login.add_argument("--email", help="account e-mail (prompted for when absent)")
    login.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    login.set_defaults(handler=commands.login)
    sub.add_parser("logout", help="end the session").set_defaults(handler=commands.logout)
    sub.add_parser("whoami", help="show the caller").set_defaults(handler=commands.whoami)
    sub.add_parser("orgs", help="list your organizations").set_defaults(handler=commands.orgs)
    org = sub.add_parser("org", help="show one organization")
    org.add_argument("id", help="organization id")
    org.set_defaults(handler=commands.org)
    check = sub.add_parser("check-subscription", help="exit 0 if active, 1 if not")
    check.add_argument("--org", required=True, help="organization id")
    check.add_argument("--product", required=True, help="product code, e.g. buildeasy")
    check.set_defaults(handler=commands.check_subscription)
    return parser


def config_dir(env: Mapping[str, str]) -> Path:
    """Return the directory of the session file."""
    if env.get("SAAS_ADMIN_CONFIG_DIR"):
        return Path(env["SAAS_ADMIN_CONFIG_DIR"])
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "saas-admin"


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    make_client: ClientFactory = SaaSAdminClient,
) -> int:
    """Run the command line with `env` (default os.environ); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "login" and args.password_stdin and not args.email:
        parser.error("login --password-stdin needs --email")
    env = os.environ if env is None else env
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="saas-admin: %(message)s")
    auth_url = (args.auth_url or env.get("SAAS_ADMIN_AUTH_URL") or DEFAULT_AUTH_URL).rstrip("/")
    api_url = (args.api_url or env.get("SAAS_ADMIN_API_URL") or DEFAULT_API_URL).rstrip("/")
    client = make_client(auth_url, api_url)
    store = TokenStore(config_dir(env) / "tokens.json")
    try:
        status, output = run(args, client, store)
    except SaaSAdminError as exc:
        print(f"saas-admin: error: {describe(exc)}", file=sys.stderr)
        return ERROR
    except OSError as exc:  # the session file could not be written
        print(f"saas-admin: error: {exc.strerror}: {exc.filename} [config]", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return INTERRUPTED
    if not args.quiet and output is not None:
        print(json.dumps(output, indent=2, ensure_ascii=False))
    return status


def run(args: argparse.Namespace, client: SaaSAdminClient, store: TokenStore) -> commands.Outcome:
    """Run the command with the saved session; save it again if it changed, even on errors."""
    if args.command != "login":
        client.tokens = store.load(client.auth_url, client.api_url)
    before = client.tokens
    try:
        outcome: commands.Outcome = args.handler(client, args)
    finally:
        _persist(store, client, before)
    return outcome


def describe(exc: SaaSAdminError) -> str:
    """Return the one-line message for `exc`: what happened, the code, and when to retry."""
    text = f"{exc.message} [{exc.code}]"
    if isinstance(exc, ServiceUnavailable) and exc.retry_after is not None:
        text += f"; try again in {exc.retry_after:.0f}s"
    return text


def _persist(store: TokenStore, client: SaaSAdminClient, before: Tokens | None) -> None:
    """Save rotated or new tokens, delete the file when the session ended; else leave it."""
    after = client.tokens
    if after is before:
        return
    if after is None:
        store.delete()
    else:
        store.save(after, client.auth_url, client.api_url)
