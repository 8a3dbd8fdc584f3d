"""Who may import whom (ARCHITECTURE.md), and where the project-wide API wiring lives."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from config import urls

ROOT = Path(__file__).resolve().parent.parent


def imports_of(package: str) -> set[str]:
    """Return every module a package's source files import, relative imports made absolute."""
    found: set[str] = set()
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = module.rsplit(".", node.level)[0] if node.level else ""
                found.add(".".join(part for part in (base, node.module or "") if part))
    return found


def reaches(package: str, forbidden: str) -> list[str]:
    return sorted(m for m in imports_of(package) if m == forbidden or m.startswith(forbidden + "."))


@pytest.mark.parametrize("forbidden", ["apps", "authserver", "saas_admin", "config"])
def test_core_imports_no_project_package(forbidden: str) -> None:
    assert reaches("core", forbidden) == []


def test_organizations_does_not_depend_on_subscriptions() -> None:
    assert reaches("apps.organizations", "apps.subscriptions") == []


def test_the_project_wide_error_wiring_lives_in_apps_api_not_in_an_app() -> None:
    wiring = [
        settings.REST_FRAMEWORK["EXCEPTION_HANDLER"],
        urls.handler400,
        urls.handler404,
        urls.handler500,
        *(m for m in settings.MIDDLEWARE if m.endswith("DatabaseUnavailableMiddleware")),
    ]
    assert len(wiring) == 5
    assert all(str(path).startswith("apps.api.") for path in wiring), wiring
