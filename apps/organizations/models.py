"""Organizations as the auth server names them, and who belongs to which, with what role."""

from django.conf import settings
from django.db import models

from .roles import Role


class Organization(models.Model):
    """One auth-server organization, mirrored; `remote_id` is its stable key, never the name."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    remote_id = models.CharField(
        "auth server id",
        max_length=254,
        unique=True,
        help_text="The auth server's organization id.",
    )
    name = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.ACTIVE,
        help_text="Managed here only: a suspended organization grants its members nothing.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "remote_id"]

    def __str__(self) -> str:
        return self.name or self.remote_id

    @property
    def is_active(self) -> bool:
        """Return True unless staff suspended the organization."""
        return self.status == self.Status.ACTIVE


class Membership(models.Model):
    """A user's place in one organization; only an active one grants anything."""

    class Origin(models.TextChoices):
        AUTH_SERVER = "auth_server", "Auth server"
        LOCAL = "local", "Created here by staff"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text=(
            "Follows the auth server for mirrored users: it is switched off when the user moves "
            "to another organization there. To block a user here, deactivate the user."
        ),
    )
    origin = models.CharField(
        max_length=16,
        choices=Origin.choices,
        default=Origin.LOCAL,
        help_text=(
            "Auth server: mirrored, follows what the auth server says. Created here: kept apart, "
            "never changed by mirroring."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="unique_membership_per_user_and_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"
