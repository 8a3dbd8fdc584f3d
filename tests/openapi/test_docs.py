"""GET /api/docs/: Swagger UI, public, from this server's static files only (no CDN)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
# Swagger UI's init script is a file of the docs' own URL, not inline (the CSP forbids inline script).
INIT_SCRIPT = "/api/docs/?script="


@pytest.fixture
def page() -> str:
    """Return the Swagger UI page, asked for with a token that is not even well formed."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-even-a-token")
    response = api.get("/api/docs/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page: str = response.content.decode()
    return page


def test_docs_load_swagger_ui_from_local_static_files(page: str) -> None:
    assets = ASSET.findall(page)

    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    assert INIT_SCRIPT in assets
    for asset in (asset for asset in assets if asset != INIT_SCRIPT):
        assert asset.startswith("/" + settings.STATIC_URL.strip("/") + "/"), asset
        assert finders.find(asset.split("/", 2)[2]), f"{asset} is not a shipped static file"


def test_docs_reference_nothing_outside_this_server(page: str) -> None:
    assert not re.search(r"https?://|//cdn|jsdelivr|unpkg", page)


def test_docs_render_the_served_schema() -> None:
    script = APIClient().get(INIT_SCRIPT, HTTP_HOST="localhost")

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()
