"""Identities belong to an auth server: existing rows move to the configured AUTH_ISSUER_ID.

Also stores every user's e-mail in its one comparable form (core.text.email_key).
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.conf import remote_auth_settings
from core.text import email_key


def to_configured_issuer(apps: Any, schema_editor: Any) -> None:
    remote_identity = apps.get_model("core", "RemoteIdentity")
    remote_identity.objects.update(issuer=str(remote_auth_settings.ISSUER_ID))


def fill_email_keys(apps: Any, schema_editor: Any) -> None:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    key_model = apps.get_model("core", "EmailKey")
    key_model.objects.bulk_create(
        key_model(user_id=user.pk, key=email_key(user.email or ""))
        for user in user_model.objects.only("pk", "email").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="remoteidentity",
            name="issuer",
            field=models.CharField(
                default="local",
                help_text="The operator's name for the auth server (AUTH_ISSUER_ID).",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(to_configured_issuer, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="remoteidentity",
            name="remote_id",
            field=models.CharField(max_length=254),
        ),
        migrations.AddConstraint(
            model_name="remoteidentity",
            constraint=models.UniqueConstraint(
                fields=("issuer", "remote_id"), name="unique_remote_identity_per_issuer"
            ),
        ),
        migrations.CreateModel(
            name="EmailKey",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="email_key",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("key", models.CharField(blank=True, db_index=True, max_length=254)),
            ],
            options={"verbose_name": "e-mail key"},
        ),
        migrations.RunPython(fill_email_keys, migrations.RunPython.noop),
    ]
