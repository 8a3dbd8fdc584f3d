"""`manage.py demo_data [--reset]`: the demo organizations' subscriptions, one per rule (DEBUG only)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...demo import apply, seed_path, user_lines
from ...models import Product
from ...rules import grace_period


class Command(BaseCommand):
    help = (
        "Give the local auth server's demo organizations their subscriptions (active, trial, "
        "past due in grace, expired, cancelled), dated from today. Refuses unless DEBUG is on."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete every subscription of the demo organizations first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "demo_data writes demo subscriptions and runs only with DEBUG on "
                "(config.settings.local); refusing."
            )
        try:
            outcome = apply(timezone.now(), grace_period(), reset=options["reset"])
        except Product.DoesNotExist as exc:
            raise CommandError(f"a demo product is missing ({exc}); run migrate") from exc
        self.stdout.write(
            f"demo data: {outcome.created} created, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged"
        )
        seed = seed_path()
        where = seed.relative_to(settings.BASE_DIR)
        self.stdout.write(f"demo users of the local auth server ({where}), e-mail / password:")
        for line in user_lines(seed):
            self.stdout.write(f"  {line}")
