"""The data migration seeds the products SaaS Admin sells."""

import pytest

from apps.subscriptions.models import Product


@pytest.mark.django_db
def test_migrations_seed_the_three_products() -> None:
    assert dict(Product.objects.values_list("code", "name")) == {
        "autoflow": "AutoFlow",
        "buildeasy": "BuildEasy",
        "teamspace": "TeamSpace",
    }
