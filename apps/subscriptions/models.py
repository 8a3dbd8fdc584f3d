"""Products and organizations' subscriptions to them; SaaS Admin is their source of truth."""

from django.core.exceptions import ValidationError
from django.db import models

from apps.organizations.models import Organization


class Product(models.Model):
    """A product an organization can subscribe to, named by a stable code."""

    code = models.SlugField(max_length=50, unique=True, help_text="e.g. teamspace, buildeasy.")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name or self.code


class Subscription(models.Model):
    """One organization's subscription to one product; `rules.is_active` says if it counts."""

    class Status(models.TextChoices):
        TRIAL = "trial", "Trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELLED = "cancelled", "Cancelled"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="subscriptions"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TRIAL)
    tier = models.CharField(max_length=50, blank=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    max_users = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    storage_gb = models.PositiveIntegerField(
        "storage (GB)", null=True, blank=True, help_text="Empty: no limit."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "product__code", "-created_at"]
        indexes = [models.Index(fields=["organization", "product"])]

    def __str__(self) -> str:
        return f"{self.organization} / {self.product} ({self.status})"

    def clean(self) -> None:
        """Require the end date the status is judged by, and a period that ends after it starts."""
        errors: dict[str, str] = {}
        if self.status == self.Status.TRIAL and self.trial_ends_at is None:
            errors["trial_ends_at"] = "A trial needs the date it ends."
        if (
            self.status in (self.Status.ACTIVE, self.Status.PAST_DUE)
            and not self.current_period_end
        ):
            errors["current_period_end"] = "An active or past-due subscription needs a period end."
        start, end = self.current_period_start, self.current_period_end
        if start and end and end < start:
            errors["current_period_end"] = "The period cannot end before it starts."
        if errors:
            raise ValidationError(errors)
