"""Helpers for the identity tests: SaaS Admin in-process, the local auth server over real HTTP."""

from typing import Any

from rest_framework.test import APIClient

from core.wiring import default_cache
from tests.conftest import bearer, clear_shared_cache

VERIFY = "/api/auth/verify"
ACME = "d283930d-137c-4ffe-abbf-fbed33913676"
GLOBEX = "767670f4-8ab1-4904-9d50-1069848bbd41"


def call(api: APIClient, token: str, path: str = VERIFY) -> Any:
    """Return the response to GET `path` with `token`, after forgetting every cached answer.

    Each call is then an authoritative verification, as after the cache TTL.
    """
    default_cache().clear_local()
    clear_shared_cache()
    return api.get(path, HTTP_AUTHORIZATION=bearer(token)["HTTP_AUTHORIZATION"])
