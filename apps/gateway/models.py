"""Service tokens: credentials for service-to-service calls, stored as a hash, never recoverable."""

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

# last_used_at is written at most this often per token: a hot token costs no write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ServiceToken(models.Model):
    """One service's token: its SHA-256 digest, scopes, expiry, last use and revocation."""

    name = models.CharField(max_length=100, unique=True, help_text="The calling service's name.")
    digest = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the token (hex)."
    )
    scopes = models.JSONField(default=list, help_text="What the token may do, e.g. metrics:read.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by `manage.py service_token revoke`; final."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_usable(self, now: datetime) -> bool:
        """Return True unless the token is revoked or expired at `now`."""
        return self.revoked_at is None and self.expires_at > now

    def mark_used(self, now: datetime) -> None:
        """Record a use, writing only when the stored time is older than LAST_USED_RESOLUTION."""
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_RESOLUTION:
            return
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lt=now - LAST_USED_RESOLUTION
        )
        ServiceToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now

    def revoke(self) -> None:
        """Revoke the token for good (a no-op when it already is)."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
