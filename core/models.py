"""The link between a local user and the auth server's user id."""

from django.conf import settings
from django.db import models


class RemoteIdentity(models.Model):
    """One auth-server user, mirrored: the remote id is the stable key, never the e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remote_identity"
    )
    remote_id = models.CharField(max_length=254, unique=True)
    email = models.CharField(max_length=254, blank=True)
    organization_id = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "remote identity"
        verbose_name_plural = "remote identities"

    def __str__(self) -> str:
        return f"{self.remote_id} ({self.email or 'no e-mail'})"


class Revocation(models.Model):
    """A revocation the auth server cannot repeat, kept until the tokens it refuses expire.

    The database is the record; Redis only caches it, so losing Redis never brings a token back.
    """

    TOKEN, JTI, USER = "token", "jti", "user"
    KINDS = [(TOKEN, "remote token"), (JTI, "local access token"), (USER, "remote user")]

    kind = models.CharField(max_length=8, choices=KINDS)
    # token: SHA-256 of the whole token; jti: a local token's id; user: the remote user id.
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
