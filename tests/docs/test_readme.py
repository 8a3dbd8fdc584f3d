"""Every request/answer example of README.md and docs/ answers as shown, against the demo set-up.

The demo set-up is what `make run` gives: the local auth server over real HTTP, SaaS Admin (here
under gunicorn) and `manage.py demo_data`. The rules of the comparison are in `examples.py`.
"""

import os
import sys
from collections.abc import Iterator
from importlib import import_module
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.fixtures.api_server import ApiServer

from .examples import Example, examples_in, mismatches, run_session

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def all_examples() -> list[Example]:
    return [example for path in DOCS for example in examples_in(path, ROOT)]


@pytest.fixture
def demo_api(transactional_db: None, remote_auth: Any, settings: Any) -> Iterator[ApiServer]:
    """Run SaaS Admin against the local auth server with the demo data, as `make run` does."""
    # a transactional test before this one emptied the tables the migrations seeded
    import_module("apps.subscriptions.migrations.0002_seed_products").seed_products(apps, None)
    settings.DEBUG = True  # demo_data refuses otherwise
    call_command("demo_data", stdout=StringIO())
    server = ApiServer(remote_auth.url).start()
    yield server
    server.stop()


@pytest.fixture
def outputs(demo_api: ApiServer, remote_auth: Any, tmp_path: Path) -> list[str]:
    """Return what each example printed, run in order in one bash session."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "SAAS_ADMIN_CONFIG_DIR": str(tmp_path / "saas-admin"),
        "SAAS_ADMIN_AUTH_URL": remote_auth.url,
        "SAAS_ADMIN_API_URL": demo_api.url,
    }
    addresses = {"4000": remote_auth.url.split("//")[1], "8000": demo_api.url.split("//")[1]}
    return run_session(all_examples(), addresses, env, ROOT)


def test_the_docs_have_the_demo_sessions() -> None:
    commands = "\n".join(example.command for example in all_examples())
    for needed in ("alice@acme.test", "carol@globex.test", "saas-admin whoami", "/check?"):
        assert needed in commands


@pytest.mark.integration
def test_every_example_answers_as_documented(outputs: list[str]) -> None:
    ran = list(zip(all_examples(), outputs, strict=True))
    failures = [
        f"{example.where()}: {example.command.splitlines()[0]}\n    " + "\n    ".join(found)
        for example, output in ran
        if (found := mismatches(example.answer, output))
    ]
    assert not failures, "\n".join(failures)
    # and the comparison has teeth: the demo's active subscription shown as inactive fails it
    active = [(e, out) for e, out in ran if '"hasActiveSubscription": true' in e.answer]
    assert active
    for example, output in active:
        edited = example.answer.replace('Subscription": true', 'Subscription": false')
        assert mismatches(edited, output) != []
