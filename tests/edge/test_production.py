"""Production settings: `check --deploy` is clean with the documented environment, and gunicorn
alone serves the admin's and the API docs' static files (WhiteNoise), with HSTS and the redirect."""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fixtures.api_server import ApiServer, database_url

ROOT = Path(__file__).resolve().parents[2]
# What README's production section says to set (made-up values, loopback ports nothing listens on).
DOCUMENTED = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "LOCAL_JWT_SIGNING_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "api.example.com",
    "AUTH_ISSUER_ID": "production",
    "DATABASE_URL": "postgres://saas@127.0.0.1:9/saas_admin",
    "REDIS_URL": "redis://127.0.0.1:9/0",
}
EDGE = re.compile(r"^(SECURE_|CORS_|API_RATE_|STATIC_ROOT$|TRUSTED_PROXIES$|DEBUG$)")
HTTPS = {"X-Forwarded-Proto": "https"}
GZIP = {**HTTPS, "Accept-Encoding": "gzip"}
STATIC = re.compile(r'(?:src|href)="(?P<url>/static/[^"]+)"')


def environment(**overrides: str) -> dict[str, str]:
    """Return this process's environment without edge settings, plus the documented production ones."""
    inherited = {key: value for key, value in os.environ.items() if not EDGE.match(key)}
    return {**inherited, **DOCUMENTED, **overrides}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("redirect", ["0", "1"])
def test_check_deploy_is_clean_with_the_documented_environment(redirect: str) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT=redirect)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_still_fails_on_what_is_not_silenced() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stderr


@pytest.fixture(scope="module")
def production_server(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiServer]:
    """Run gunicorn with the production settings after collectstatic, and nothing else in front."""
    static_root = str(tmp_path_factory.mktemp("static"))
    collected = manage("collectstatic", "--noinput", STATIC_ROOT=static_root)
    assert collected.returncode == 0, collected.stderr
    with django_db_blocker.unblock():
        database = database_url()
    env = environment(
        DATABASE_URL=database,
        REDIS_URL="",
        ALLOWED_HOSTS="127.0.0.1",
        AUTH_SERVICE_URL="http://127.0.0.1:9",
        STATIC_ROOT=static_root,
        TRUSTED_PROXIES="127.0.0.1/32",
        SECURE_SSL_REDIRECT="1",
    )
    server = ApiServer("http://127.0.0.1:9", workers=1, env=env).start()
    yield server
    server.stop()


def fetch(server: ApiServer, path: str, **headers: str) -> requests.Response:
    """GET `path` from `server` with `headers`, following no redirect."""
    return requests.get(server.url + path, headers=headers, timeout=10, allow_redirects=False)


def static_files(page: requests.Response) -> list[str]:
    assert page.status_code == 200
    return [m["url"] for m in STATIC.finditer(page.text)]


def test_gunicorn_serves_the_static_files_of_the_admin_and_the_api_docs(production_server) -> None:
    admin = static_files(fetch(production_server, "/admin/login/", **HTTPS))
    docs = static_files(fetch(production_server, "/api/docs/", **HTTPS))

    assert any(url.startswith("/static/admin/css/") for url in admin)
    assert any("swagger-ui-bundle" in url for url in docs)
    for url in admin + docs:
        response = fetch(production_server, url, **HTTPS)
        assert response.status_code == 200, url
        assert "immutable" in response.headers["Cache-Control"], url
    bundle = next(url for url in docs if "swagger-ui-bundle" in url)
    compressed = fetch(production_server, bundle, **GZIP)
    assert compressed.headers["Content-Encoding"] == "gzip"


def test_https_answers_carry_hsts_with_subdomains_and_no_preload(production_server) -> None:
    response = fetch(production_server, "/health/", **HTTPS)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_ssl_redirect_spares_probes_metrics_and_the_gateway(production_server) -> None:
    api = fetch(production_server, "/api/auth/verify")

    assert api.status_code == 301
    assert api.headers["Location"].startswith("https://")
    assert fetch(production_server, "/health/").status_code == 200
    assert fetch(production_server, "/metrics").status_code == 200
    assert fetch(production_server, "/api/auth/forward").status_code == 401  # answered, no 301
