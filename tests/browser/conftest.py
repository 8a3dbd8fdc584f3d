"""Fixtures of the browser pages: a Django test client that checks CSRF like a browser's server."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def browser_client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf(client: Client, path: str = "/login/") -> str:
    """Load a page and return the CSRF token its form carries (the cookie is kept by `client`)."""
    response = client.get(path)
    token: str = response.context["csrf_token"] if response.context else ""
    return str(token)


def sign_in(client: Client, user: Any, **extra: str) -> Any:
    """Post the sign-in form for `user`; return the response."""
    token = csrf(client)
    return client.post(
        "/login/",
        {"email": user.email, "password": user.password, "csrfmiddlewaretoken": token, **extra},
    )


def access(client: Client) -> str:
    return client.cookies[settings.AUTH_COOKIE_NAME].value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item (the browser fixture screenshots failures)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
