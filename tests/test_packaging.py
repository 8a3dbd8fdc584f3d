"""`pip install -e .` gives the two console scripts, and the packages carry their data files."""

import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_build_backend_is_declared() -> None:
    assert PYPROJECT["build-system"]["build-backend"] == "setuptools.build_meta"


@pytest.mark.parametrize(
    ("script", "target"),
    [("saas-admin", "saas_admin.cli:main"), ("saas-admin-authserver", "authserver.__main__:main")],
)
def test_console_script_runs_the_programs_main(script: str, target: str) -> None:
    assert PYPROJECT["project"]["scripts"][script] == target
    module, name = target.split(":")
    assert callable(getattr(importlib.import_module(module), name))


def test_every_top_level_package_is_installed_and_tests_are_not() -> None:
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert {name.rstrip("*") for name in include} == packages


@pytest.mark.parametrize(
    ("package", "data"),
    [("authserver", "demo_seed.json"), ("core", "contract/schemas/me.json")],
)
def test_data_files_are_package_data(package: str, data: str) -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"][package]
    assert any((ROOT / package).glob(pattern) for pattern in patterns)
    assert (ROOT / package / data).is_file()
    assert any(Path(data).match(pattern) for pattern in patterns)
