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
