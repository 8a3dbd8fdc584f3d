"""Django admin for products and subscriptions: where staff manage who has what."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from .models import Product, Subscription
from .rules import grace_period, is_active


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Make the code read-only once the product exists: API clients name products by it."""
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "code") if obj is not None else fields


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "organization",
        "product",
        "status",
        "tier",
        "current_period_end",
        "trial_ends_at",
        "grants_access",
    )
    list_filter = ("status", "product")
    list_select_related = ("organization", "product")
    search_fields = ("organization__name", "organization__remote_id", "tier")
    autocomplete_fields = ("organization",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("organization", "product", "status", "tier")}),
        ("Dates", {"fields": ("trial_ends_at", "current_period_start", "current_period_end")}),
        ("Limits", {"fields": ("max_users", "storage_gb")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(boolean=True, description="grants access now")
    def grants_access(self, subscription: Subscription) -> bool:
        """Return whether the subscription counts at this instant."""
        return is_active(subscription, timezone.now(), grace_period())
