"""Service tokens in the Django admin: shown read-only, never their digest."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from apps.gateway.models import ServiceToken

pytestmark = pytest.mark.django_db


def test_service_tokens_are_listed_read_only_without_their_digest(admin_client: Client) -> None:
    call_command(
        "service_token", "create", "billing", "--scopes", "metrics:read", stdout=io.StringIO()
    )
    stored = ServiceToken.objects.get()

    listing = admin_client.get("/admin/gateway/servicetoken/")
    detail = admin_client.get(f"/admin/gateway/servicetoken/{stored.pk}/change/")

    assert listing.status_code == 200
    assert b"billing" in listing.content
    assert detail.status_code == 200
    assert stored.digest.encode() not in listing.content + detail.content
    assert admin_client.get("/admin/gateway/servicetoken/add/").status_code == 403
    assert admin_client.post(f"/admin/gateway/servicetoken/{stored.pk}/delete/").status_code == 403
