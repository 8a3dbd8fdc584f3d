"""The link between a local user and the auth server's user id, and users' comparable e-mails."""

from django.conf import settings
from django.db import models

MAX_ISSUER_LENGTH = 64


class RemoteIdentity(models.Model):
    """One auth-server user, mirrored: (issuer, remote id) is the stable key, never the e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remote_identity"
    )
    issuer = models.CharField(
        max_length=MAX_ISSUER_LENGTH,
        help_text="The operator's name for the auth server (AUTH_ISSUER_ID).",
    )
    remote_id = models.CharField(max_length=254)
    email = models.CharField(max_length=254, blank=True)
    organization_id = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "remote identity"
        verbose_name_plural = "remote identities"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "remote_id"], name="unique_remote_identity_per_issuer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer}:{self.remote_id} ({self.email or 'no e-mail'})"


class EmailKey(models.Model):
    """A local user's e-mail in its one comparable form (core.text.email_key), indexed.

    Kept by a post_save receiver; e-mails are compared through it, never with SQL `iexact`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_key",
    )
    key = models.CharField(max_length=254, db_index=True, blank=True)

    class Meta:
        verbose_name = "e-mail key"

    def __str__(self) -> str:
        return self.key


class Revocation(models.Model):
    """A revocation the auth server cannot repeat, kept until the tokens it refuses expire.

    The database is the record; Redis only caches it, so losing Redis never brings a token back.
    """

    TOKEN, JTI, USER = "token", "jti", "user"
    KINDS = [(TOKEN, "remote token"), (JTI, "local access token"), (USER, "remote user")]

    kind = models.CharField(max_length=8, choices=KINDS)
    # token: SHA-256 of the whole token; jti: a local token's id; user: `issuer:remote id`.
    subject = models.CharField(max_length=254)
    # user: tokens issued up to this time (this service's clock at receipt) are refused.
    not_before = models.FloatField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="core_revocation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} revoked until {self.expires_at:%Y-%m-%d %H:%M}"
