"""API errors of the subscription endpoints; the global handler renders them as {detail, code}."""

from rest_framework import exceptions, status


class InvalidProductCode(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The product code is malformed."
    default_code = "invalid_product_code"
