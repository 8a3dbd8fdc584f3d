"""Read the product code a subscription request names."""

import re

from rest_framework.request import Request

from apps.organizations.lookup import required_query_param

from .exceptions import InvalidProductCode
from .models import Product

PRODUCT_QUERY_PARAM = "productCode"
# Product.code is a SlugField: anything else names no product (and NUL would break the query).
PATTERN = re.compile(r"[-a-zA-Z0-9_]+")


def max_length() -> int:
    """Return the longest product code there can be."""
    return int(Product._meta.get_field("code").max_length or 0)


def product_code(request: Request) -> str:
    """Return the `productCode` query parameter; raise MissingParameter when it is absent or
    blank and InvalidProductCode when it cannot be a product code."""
    code = required_query_param(request, PRODUCT_QUERY_PARAM)
    if len(code) > max_length() or PATTERN.fullmatch(code) is None:
        raise InvalidProductCode()
    return code
