"""Seed the three products SaaS Admin sells."""

from typing import Any

from django.db import migrations

PRODUCTS = [
    ("teamspace", "TeamSpace"),
    ("buildeasy", "BuildEasy"),
    ("autoflow", "AutoFlow"),
]


def seed_products(apps: Any, schema_editor: Any) -> None:
    Product = apps.get_model("subscriptions", "Product")
    for code, name in PRODUCTS:
        Product.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(seed_products, migrations.RunPython.noop)]
