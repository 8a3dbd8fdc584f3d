"""Service tokens in the admin: read-only; `manage.py service_token` creates and revokes them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ServiceToken


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Show service tokens without their digest; nothing is editable here."""

    list_display = ("name", "scopes", "expires_at", "last_used_at", "revoked_at", "created_at")
    search_fields = ("name",)
    fields = ("name", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
