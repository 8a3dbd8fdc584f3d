"""`manage.py authcache`: inspect and flush the verification cache, or revoke tokens.

authcache stats                      namespace, keys by kind, breaker, budget
authcache flush --all                forget every cached verification for this auth server
authcache flush --user REMOTE_ID     forget one remote user's cached verifications
authcache flush --token -            forget one token, read from standard input (never a flag value)
authcache revoke --token -           refuse one token until it expires (kept in the database)
authcache revoke --user REMOTE_ID [--issuer ID]
                                     refuse the user's tokens issued until now (in the database)

Flush forgets: the next request asks the auth server again. Revoke refuses, whatever it says.
"""

import json
import sys
from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.conf import remote_auth_settings
from core.invalidation import redis_client
from core.revocation import forget_token, revoke_all, revoke_token, revoke_user
from core.state import namespace_for
from core.tokens import expiry, unverified_claims
from core.wiring import default_cache, default_denylist, default_state, default_upstream


class Command(BaseCommand):
    help = "Show statistics of, or flush, the remote-auth verification cache; revoke tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("stats", help="Show namespace, cached keys, breaker and budget.")
        flush = sub.add_parser(
            "flush", help="Forget cached verifications on every instance (the auth server decides)."
        )
        target = flush.add_mutually_exclusive_group(required=True)
        target.add_argument("--all", action="store_true", help="Every cached verification.")
        target.add_argument("--user", metavar="REMOTE_ID", help="One remote user's tokens.")
        target.add_argument("--token", metavar="-", help="One token, read from stdin ('-').")
        revoke = sub.add_parser(
            "revoke", help="Refuse tokens on every instance until they expire (in the database)."
        )
        target = revoke.add_mutually_exclusive_group(required=True)
        target.add_argument("--user", metavar="REMOTE_ID", help="The user's tokens issued so far.")
        revoke.add_argument(
            "--issuer",
            metavar="ID",
            help="The user's auth server (default: REMOTE_AUTH['ISSUER_ID']).",
        )
        target.add_argument("--token", metavar="-", help="One token, read from stdin ('-').")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "stats":
            self.stdout.write(json.dumps(self.stats(), indent=2))
        elif options["action"] == "revoke":
            self.revoke(options)
        elif options["all"]:
            revoke_all()
            self.stdout.write("flushed every cached verification")
        elif options["user"]:
            revoke_user(options["user"])
            self.stdout.write(f"flushed cached verifications of user {options['user']}")
        else:
            forget_token(self.read_token(options["token"]))
            self.stdout.write("flushed one token")

    def revoke(self, options: dict[str, Any]) -> None:
        """Record a durable revocation, then drop what every instance has cached."""
        if options["user"]:
            issuer = options.get("issuer") or str(remote_auth_settings.ISSUER_ID)
            default_denylist().revoke_user(options["user"], issuer)
            if issuer == remote_auth_settings.ISSUER_ID:
                revoke_user(options["user"])
            self.stdout.write(
                f"revoked the tokens of user {options['user']} of issuer {issuer} issued until now"
            )
            return
        token = self.read_token(options["token"])
        default_denylist().revoke_token(token, expiry(unverified_claims(token)))
        revoke_token(token)
        self.stdout.write("revoked one token until it expires")

    def read_token(self, source: str) -> str:
        """Return the token from stdin; refuse a token given on the command line."""
        if source != "-":
            raise CommandError(
                "pass the token on standard input: --token - (keeps it out of history)"
            )
        token = sys.stdin.readline().strip()
        if not token:
            raise CommandError("no token on standard input")
        return token

    def stats(self) -> dict[str, Any]:
        """Return what operators want to know about the cache and the auth server guards."""
        state, upstream = default_state(), default_upstream()
        return {
            "authServer": remote_auth_settings.BASE_URL,
            "issuer": remote_auth_settings.ISSUER_ID,
            "namespace": namespace_for(str(remote_auth_settings.ISSUER_ID)),
            "sharedKeys": self.count_keys(state.base),
            "inProcessEntries": len(default_cache()),
            "breaker": upstream.breaker.state(),
            "budget": {
                "perMinute": upstream.budget.per_minute,
                "usedLastMinute": round(upstream.budget.used(), 1),
            },
        }

    def count_keys(self, base: str) -> dict[str, int] | str:
        """Return shared-cache keys by kind, or why they cannot be counted."""
        cache = default_cache()
        client = redis_client(cache)
        if client is None:
            return "not countable: the shared cache is not Redis"
        # Only this deployment's keys: its KEY_PREFIX and version, not another's sharing the Redis.
        prefix = str(cache.state.shared.primary.make_key(base + ":"))
        counts: Counter[str] = Counter()
        for key in client.scan_iter(match=prefix + "*", count=1000):
            counts[key.decode()[len(prefix) :].split(":", 1)[0]] += 1
        return dict(counts)
