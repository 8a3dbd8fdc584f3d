"""`manage.py link_identity USERNAME REMOTE_ID [--issuer ID]`: link an auth-server user by hand.

For what mirroring refuses to link by e-mail (unverified, staff or superuser accounts, an e-mail
two accounts share, an e-mail that had to be cleaned): an operator who has checked who is who
says which local account the remote user is. The issuer defaults to REMOTE_AUTH['ISSUER_ID']. A
refusal remembered before the link ends within REMOTE_AUTH['NEGATIVE_TTL'].
"""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.conf import remote_auth_settings
from core.models import RemoteIdentity


class Command(BaseCommand):
    help = "Link a local account to a user of the auth server (issuer, remote id)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="The local account's username.")
        parser.add_argument("remote_id", help="The auth server's user id.")
        parser.add_argument(
            "--issuer", help="The auth server's issuer id (default REMOTE_AUTH['ISSUER_ID'])."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        issuer = options["issuer"] or str(remote_auth_settings.ISSUER_ID)
        remote_id = options["remote_id"]
        with transaction.atomic():
            user = self.local_user(options["username"])
            self.check_free(user, issuer, remote_id)
            RemoteIdentity.objects.create(user=user, issuer=issuer, remote_id=remote_id)
        self.stdout.write(f"linked {user.get_username()} to {issuer}:{remote_id}")

    def local_user(self, username: str) -> Any:
        """Return the local account named `username`; raise CommandError when there is none."""
        model = get_user_model()
        try:
            return model.objects.select_for_update().get(**{model.USERNAME_FIELD: username})
        except model.DoesNotExist as exc:
            raise CommandError(f"no local account {username!r}") from exc

    def check_free(self, user: Any, issuer: str, remote_id: str) -> None:
        """Raise CommandError when the account or the remote user is linked already."""
        existing = RemoteIdentity.objects.filter(user=user).first()
        if existing is not None:
            raise CommandError(f"{user.get_username()} is linked to {existing} already")
        taken = RemoteIdentity.objects.filter(issuer=issuer, remote_id=remote_id).first()
        if taken is not None:
            raise CommandError(f"{issuer}:{remote_id} is linked to another account already")
