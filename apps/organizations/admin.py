"""Django admin for organizations, memberships and the mirrored remote identities."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Membership, Organization


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fields = ("user", "role", "is_active", "origin", "updated_at")
    readonly_fields = ("origin", "updated_at")
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "remote_id", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "remote_id")
    readonly_fields = ("created_at", "updated_at")
    inlines = (MembershipInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Make the auth server id read-only once the organization exists."""
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "remote_id") if obj is not None else fields


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "user",
        "user__email",
        "organization",
        "role",
        "is_active",
        "origin",
        "updated_at",
    )
    list_filter = ("role", "is_active", "origin", "organization__status")
    list_select_related = ("user", "organization")
    search_fields = (
        "user__email",
        "user__username",
        "organization__name",
        "organization__remote_id",
    )
    autocomplete_fields = ("user", "organization")
    readonly_fields = ("origin", "created_at", "updated_at")
