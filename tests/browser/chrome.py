"""Headless Debian Chromium driven by Selenium through the system chromedriver (nothing is
downloaded at run time), and a screenshot of every browser test that fails."""

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FAILURES = Path(os.environ.get("BROWSER_TEST_ARTIFACTS", "test-artifacts"))
# Selenium logs each WebDriver command with its arguments (typed passwords, cookies) at DEBUG.
logging.getLogger("selenium").setLevel(logging.INFO)
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # runs as root in CI
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1000,900",
)


def start_chromium(profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture(scope="module")
def chromium() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the module, with a fresh profile."""
    profile = tempfile.mkdtemp(prefix="saas-admin-chromium-")
    driver = start_chromium(profile)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium: webdriver.Chrome, request: Any) -> Iterator[webdriver.Chrome]:
    """The module's Chromium with no cookies; its screen is saved when the test fails."""
    chromium.delete_all_cookies()
    yield chromium
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        shot = FAILURES / f"{request.node.name}.png"
        chromium.save_screenshot(str(shot))
        print(f"screenshot of the failed browser test: {shot}")
