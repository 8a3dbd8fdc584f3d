"""Service tokens in the admin: read-only; `manage.py service_token` creates and revokes them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ServiceToken


@admin.register(ServiceToken)
class ServiceTokenAdmin(ReadOnlyAdmin):
    """Show service tokens without their digest; nothing is editable here."""

    list_display = ("name", "scopes", "expires_at", "last_used_at", "revoked_at", "created_at")
    search_fields = ("name",)
    fields = ("name", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
