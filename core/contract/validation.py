"""Load the contract's JSON Schemas (draft 2020-12) and check answer bodies against them."""

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .messages import problems

ENDPOINTS = ("login", "me", "refresh", "logout", "signup", "health", "error")
_SHARED = ("defs",)


def _load(name: str) -> dict[str, Any]:
    text = files(__package__).joinpath("schemas", f"{name}.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _registry() -> Registry[Any]:
    resources = [Resource.from_contents(_load(name)) for name in (*_SHARED, *ENDPOINTS)]
    return Registry().with_resources((resource.id() or "", resource) for resource in resources)


@cache
def _validator(endpoint: str) -> Draft202012Validator:
    return Draft202012Validator(schema(endpoint), registry=_registry())


def schema(endpoint: str) -> dict[str, Any]:
    """Return the JSON Schema of `endpoint`'s answer; raise ValueError for an unknown endpoint."""
    if endpoint not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {endpoint!r}; expected one of {', '.join(ENDPOINTS)}")
    return _load(endpoint)


def validate(endpoint: str, body: Any) -> list[str]:
    """Return the ways `body` breaks the contract of `endpoint` (empty: it matches).

    `body` is the parsed JSON, None for an empty body. Messages name fields, never their values.
    """
    return problems(_validator(endpoint).iter_errors(body))
