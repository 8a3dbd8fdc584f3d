"""Memberships record where they come from; mirrored ones follow the auth server exactly.

Existing rows of mirrored users count as mirrored when they match the organization the user's
remote identity names, or are inactive (mirroring switched them off). Active memberships in any
other organization can only have been added here by staff: they are marked local and kept.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import F, Q


def mark_mirrored(apps: Any, schema_editor: Any) -> None:
    membership = apps.get_model("organizations", "Membership")
    membership.objects.filter(user__remote_identity__isnull=False).filter(
        Q(is_active=False)
        | Q(organization__remote_id=F("user__remote_identity__organization_id"))
    ).update(origin="auth_server")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_issuer_and_email_key"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="origin",
            field=models.CharField(
                choices=[("auth_server", "Auth server"), ("local", "Created here by staff")],
                default="local",
                help_text=(
                    "Auth server: mirrored, follows what the auth server says. Created here: "
                    "kept apart, never changed by mirroring."
                ),
                max_length=16,
            ),
        ),
        migrations.RunPython(mark_mirrored, migrations.RunPython.noop),
    ]
