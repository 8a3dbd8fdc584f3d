"""`manage.py service_token create NAME --scopes a,b [--expires-in DAYS] | list [--json] | revoke NAME`.

`create` prints the token once, alone on the last line; only its SHA-256 digest is stored.
"""

import json
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from ...models import ServiceToken
from ...tokenformat import digest, new_token

DEFAULT_DAYS = 90


class Command(BaseCommand):
    help = "Create, list or revoke service tokens (Authorization: Bearer sat_…)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token and print it once")
        create.add_argument("name")
        create.add_argument("--scopes", default="", help="comma-separated, e.g. metrics:read")
        create.add_argument("--expires-in", type=int, default=DEFAULT_DAYS, metavar="DAYS")
        listing = actions.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--json", action="store_true")
        revoke = actions.add_parser("revoke", help="revoke a token for good")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options["name"], options["scopes"], options["expires_in"])
        elif action == "list":
            self.list(as_json=options["json"])
        else:
            self.revoke(options["name"])

    def create(self, name: str, scopes: str, days: int) -> None:
        if days < 1:
            raise CommandError("--expires-in must be at least 1 day")
        token = new_token()
        wanted = sorted({scope.strip() for scope in scopes.split(",") if scope.strip()})
        expires = timezone.now() + timedelta(days=days)
        try:
            ServiceToken.objects.create(
                name=name, digest=digest(token), scopes=wanted, expires_at=expires
            )
        except IntegrityError as exc:
            raise CommandError(f"a service token named {name!r} already exists") from exc
        self.stdout.write(f"Created service token {name!r} (scopes: {','.join(wanted) or '-'}, ")
        self.stdout.write(f"expires {expires:%Y-%m-%d}). It is shown once; store it now:")
        self.stdout.write(token)

    def list(self, *, as_json: bool) -> None:
        rows = [describe(token) for token in ServiceToken.objects.all()]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['name']}\t{','.join(row['scopes']) or '-'}\texpires {row['expiresAt']}"
                f"\tlast used {row['lastUsedAt'] or 'never'}\t{row['status']}"
            )

    def revoke(self, name: str) -> None:
        token = ServiceToken.objects.filter(name=name).first()
        if token is None:
            raise CommandError(f"no service token named {name!r}")
        token.revoke()
        self.stdout.write(f"Revoked service token {name!r}.")


def describe(token: ServiceToken) -> dict[str, Any]:
    """Return what `list` shows of a token: everything but its digest."""
    now = timezone.now()
    status = "revoked" if token.revoked_at else ("active" if token.is_usable(now) else "expired")
    return {
        "name": token.name,
        "scopes": list(token.scopes),
        "createdAt": token.created_at.isoformat(),
        "expiresAt": token.expires_at.isoformat(),
        "lastUsedAt": token.last_used_at.isoformat() if token.last_used_at else None,
        "status": status,
    }
