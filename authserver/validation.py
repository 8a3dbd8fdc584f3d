"""Read and check fields of JSON request bodies; raise BadRequest naming the field."""

import re
from typing import Any

from .errors import BadRequest
from .models import PRODUCTS

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


def invalid(message: str) -> BadRequest:
    """Return the BadRequest raised for an invalid field."""
    return BadRequest(message, "validation_error")


def required_str(body: dict[str, Any], key: str) -> str:
    """Return `body[key]` stripped; raise unless it is a non-empty string."""
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{key} is required.")
    return value.strip()


def optional_str(body: dict[str, Any], key: str) -> str | None:
    """Return `body[key]` stripped, None when absent; raise unless a non-empty string."""
    return None if body.get(key) is None else required_str(body, key)


def optional_bool(body: dict[str, Any], key: str) -> bool | None:
    """Return `body[key]`, None when absent; raise unless a boolean."""
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise invalid(f"{key} must be true or false.")
    return value


def secret(body: dict[str, Any], key: str) -> str:
    """Return `body[key]` unchanged (passwords, tokens); raise unless a non-empty string."""
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise invalid(f"{key} is required.")
    return value


def email(body: dict[str, Any], key: str = "email") -> str:
    """Return the lower-cased email at `key`; raise unless it looks like an address."""
    value = required_str(body, key).lower()
    if not EMAIL_RE.match(value):
        raise invalid(f"{key} must be an email address.")
    return value


def email_as_given(body: dict[str, Any], key: str = "email") -> str:
    """Return the email at `key` with its case kept (tests of case folding); raise unless valid."""
    value = required_str(body, key)
    if not EMAIL_RE.match(value):
        raise invalid(f"{key} must be an email address.")
    return value


def new_password(body: dict[str, Any], key: str = "password") -> str:
    """Return a password to set (unstripped); raise if shorter than the minimum."""
    value = body.get(key)
    if not isinstance(value, str) or len(value) < MIN_PASSWORD_LENGTH:
        raise invalid(f"{key} must be at least {MIN_PASSWORD_LENGTH} characters.")
    return value


def products(body: dict[str, Any], key: str = "products") -> tuple[str, ...] | None:
    """Return the product codes at `key`, None when absent; raise on unknown codes."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(code in PRODUCTS for code in value):
        raise invalid(f"{key} must be a list drawn from {', '.join(PRODUCTS)}.")
    return tuple(dict.fromkeys(value))
