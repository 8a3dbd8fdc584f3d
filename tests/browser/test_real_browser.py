"""A real browser: headless Chromium signs in through the form, uses the account page and its
fetch helper, survives an access-token expiry, signs out, and is refused afterwards."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.chrome import browser, chromium  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 20  # seconds: generous on a loaded machine, never reached when things work
DOCS = Path(__file__).resolve().parents[2] / "docs"


def page_path(driver: Any) -> str:
    return str(urlparse(driver.current_url).path)


def sign_in(driver: Any, base: str, user: Any) -> None:
    driver.get(f"{base}/login/?next=/account/")
    driver.find_element(By.NAME, "email").send_keys(user.email)
    driver.find_element(By.NAME, "password").send_keys(user.password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, WAIT).until(lambda d: page_path(d) == "/account/")


def ask_the_api(driver: Any) -> str:
    """Click the account page's button (fetch helper) and return what it shows."""
    driver.execute_script("document.getElementById('whoami-result').textContent = ''")
    driver.find_element(By.ID, "whoami").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "whoami-result").text.strip())
    return str(driver.find_element(By.ID, "whoami-result").text)


def expire_access_cookie(driver: Any, remote_auth: Any, user: Any) -> None:
    """Force the access token's expiry: an expired one minted through the control API."""
    expired = remote_auth.mint_token(user.id, ttl=-60)
    driver.delete_cookie(settings.AUTH_COOKIE_NAME)
    driver.add_cookie(
        {"name": settings.AUTH_COOKIE_NAME, "value": expired, "path": "/", "httpOnly": True}
    )


def post_without_csrf(driver: Any, path: str) -> int:
    """POST from the page with its cookies but no CSRF header; return the status."""
    status: int = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {method: 'POST', credentials: 'same-origin'})"
        ".then(r => done(r.status), () => done(0));",
        path,
    )
    return status


def test_sign_in_use_refresh_and_sign_out(
    browser: Any,  # noqa: F811
    live_server: Any,
    remote_auth: Any,
    demo_users: Any,
) -> None:
    alice = demo_users["alice"]
    base = live_server.url
    browser.get(f"{base}/login/")
    if os.environ.get("BROWSER_DOCS_SCREENSHOTS"):
        browser.save_screenshot(str(DOCS / "browser-sign-in.png"))

    sign_in(browser, base, alice)

    assert browser.find_element(By.ID, "email").text == alice.email
    if os.environ.get("BROWSER_DOCS_SCREENSHOTS"):
        browser.save_screenshot(str(DOCS / "browser-account.png"))
    assert ask_the_api(browser) == f"Signed in as {alice.email}"
    assert post_without_csrf(browser, "/api/auth/verify") == 403

    expire_access_cookie(browser, remote_auth, alice)
    assert ask_the_api(browser) == f"Signed in as {alice.email}"  # 401, refresh, retry

    expire_access_cookie(browser, remote_auth, alice)
    browser.get(f"{base}/account/")  # through the refresh endpoint and back
    assert page_path(browser) == "/account/"
    assert browser.find_element(By.ID, "email").text == alice.email

    browser.find_element(By.CSS_SELECTOR, "form[action='/logout/'] button").click()
    WebDriverWait(browser, WAIT).until(lambda d: page_path(d) == "/login/")
    browser.get(f"{base}/account/")
    assert page_path(browser) == "/login/"
    names = {cookie["name"] for cookie in browser.get_cookies()}
    assert settings.AUTH_COOKIE_NAME not in names


def test_a_cross_site_form_cannot_sign_out(
    browser: Any,  # noqa: F811
    live_server: Any,
    remote_auth: Any,
    demo_users: Any,
) -> None:
    sign_in(browser, live_server.url, demo_users["alice"])
    forged = (
        f"<form method=post action='{live_server.url}/logout/'></form>"
        "<script>document.forms[0].submit()</script>"
    )

    browser.get("data:text/html," + forged)
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.startswith(live_server.url))

    assert "CSRF" in browser.page_source
    browser.get(f"{live_server.url}/account/")
    assert page_path(browser) == "/account/"  # still signed in
