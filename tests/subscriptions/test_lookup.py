"""The product code a subscription request names: a slug of at most 50 characters, or a 400."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.organizations.exceptions import MissingParameter
from apps.subscriptions.exceptions import InvalidProductCode
from apps.subscriptions.lookup import product_code


def request(**query: str) -> Request:
    return Request(APIRequestFactory().get("/api/subscriptions/check", query))


@pytest.mark.parametrize("code", ["teamspace", "TEAMSPACE", "no-such_product", "x" * 50])
def test_a_slug_is_a_product_code(code: str) -> None:
    assert product_code(request(productCode=code)) == code


@pytest.mark.parametrize("code", ["\x00", "team\x00space", "team space", "tëamspace", "x" * 51])
def test_anything_else_is_malformed(code: str) -> None:
    with pytest.raises(InvalidProductCode):
        product_code(request(productCode=code))


@pytest.mark.parametrize("query", [{}, {"productCode": ""}, {"productCode": " "}])
def test_a_missing_or_blank_code_is_missing(query: dict[str, str]) -> None:
    with pytest.raises(MissingParameter):
        product_code(request(**query))
