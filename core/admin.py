"""Admin for mirrored identities: read-only, since only verification (and link_identity) writes them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import RemoteIdentity


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin that shows rows and never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RemoteIdentity)
class RemoteIdentityAdmin(ReadOnlyAdmin):
    """Show mirrored identities read-only: only verification writes them."""

    list_display = ("remote_id", "issuer", "email", "user", "organization_id", "updated_at")
    list_filter = ("issuer",)
    list_select_related = ("user",)
    search_fields = ("email", "remote_id", "user__email")
    readonly_fields = (
        "user",
        "issuer",
        "remote_id",
        "email",
        "organization_id",
        "created_at",
        "updated_at",
    )
