"""The Django admin pages of products and subscriptions, as a staff user sees them."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from apps.subscriptions.models import Product, Subscription
from tests.organizations.factories import make_organization, make_staff

from .factories import make_subscription, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription() -> Subscription:
    return make_subscription(make_organization(), "teamspace", tier="pro")


@pytest.mark.parametrize("model", ["product", "subscription"])
def test_changelist_and_add_pages_render(
    admin_client: Client, subscription: Subscription, model: str
) -> None:
    assert admin_client.get(f"/admin/subscriptions/{model}/").status_code == 200
    assert admin_client.get(f"/admin/subscriptions/{model}/add/").status_code == 200


def test_change_pages_render(admin_client: Client, subscription: Subscription) -> None:
    for url in (
        f"/admin/subscriptions/subscription/{subscription.pk}/change/",
        f"/admin/subscriptions/product/{subscription.product.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200


def test_changelist_says_whether_a_subscription_grants_access(admin_client: Client) -> None:
    org = make_organization()
    make_subscription(org, "teamspace", current_period_end=datetime(9999, 12, 31, tzinfo=UTC))
    make_subscription(org, "buildeasy", "expired")
    page = admin_client.get("/admin/subscriptions/subscription/").content.decode()
    assert "Grants access now" in page
    assert page.count('alt="True"') == page.count('alt="False"') == 1


def test_search_finds_subscriptions_by_organization(
    admin_client: Client, subscription: Subscription
) -> None:
    hit = admin_client.get("/admin/subscriptions/subscription/", {"q": "Org A"})
    miss = admin_client.get("/admin/subscriptions/subscription/", {"q": "Nobody"})
    assert hit.context["cl"].result_count == 1
    assert miss.context["cl"].result_count == 0


def test_add_form_refuses_an_active_subscription_without_a_period_end(admin_client: Client) -> None:
    form: dict[str, Any] = {
        "organization": make_organization().pk,
        "product": product("buildeasy").pk,
        "status": "active",
        "tier": "pro",
    }
    response = admin_client.post("/admin/subscriptions/subscription/add/", form)
    assert response.status_code == 200
    assert "current_period_end" in response.context["adminform"].form.errors
    assert not Subscription.objects.exists()


def test_product_code_is_read_only_once_created(admin_client: Client) -> None:
    existing = product("teamspace")
    page = admin_client.get(f"/admin/subscriptions/product/{existing.pk}/change/")
    assert "code" not in page.context["adminform"].form.fields
    assert (
        "code"
        in admin_client.get("/admin/subscriptions/product/add/").context["adminform"].form.fields
    )
    assert Product.objects.filter(code="teamspace").exists()


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(make_staff("subscriptions.view_subscription"))
    return client


def listed(client: Client, **query: Any) -> list[str]:
    page = client.get("/admin/subscriptions/subscription/", query)
    assert page.status_code == 200
    return sorted(str(s) for s in page.context["cl"].result_list)


def test_subscriptions_are_filtered_by_status_and_by_product(staff_client: Client) -> None:
    org = make_organization()
    make_subscription(org, "teamspace", "trial")
    make_subscription(org, "buildeasy", "active")
    make_subscription(org, "autoflow", "trial")
    assert listed(staff_client, status__exact="trial") == [
        "Org A / AutoFlow (trial)",
        "Org A / TeamSpace (trial)",
    ]
    assert listed(staff_client, product__id__exact=product("buildeasy").pk) == [
        "Org A / BuildEasy (active)"
    ]
    both = {"status__exact": "trial", "product__id__exact": product("teamspace").pk}
    assert listed(staff_client, **both) == ["Org A / TeamSpace (trial)"]
