"""Content-Security-Policy (django-csp) on the HTML pages: no inline script, nothing from elsewhere."""

import re

import pytest

pytestmark = pytest.mark.django_db
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
STYLE = re.compile(r"<style(?P<attrs>[^>]*)>", re.S)
NONCE = re.compile(r'nonce="(?P<nonce>[^"]+)"')


def policy(header: str) -> dict[str, list[str]]:
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", ["/api/docs/", "/admin/login/"])
def test_html_pages_allow_scripts_from_this_origin_only(api, path) -> None:
    response = api.get(path)

    directives = policy(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    page = response.content.decode()
    assert all(not m["body"].strip() and "src=" in m["attrs"] for m in SCRIPT.finditer(page))


def test_swagger_ui_styles_inline_only_with_the_nonce_of_the_policy(api) -> None:
    response = api.get("/api/docs/")

    allowed = policy(response["Content-Security-Policy"])["style-src"]
    styles = [NONCE.search(m["attrs"]) for m in STYLE.finditer(response.content.decode())]
    assert styles
    assert all(m is not None and f"'nonce-{m['nonce']}'" in allowed for m in styles)
