"""Fault tests over real HTTP: two SaaS Admin processes (gunicorn) sharing Redis and PostgreSQL,
and the local auth server driven through its control API.

A test module names the environment of its processes in `SERVER_ENV` (default: SHARED_ENV) and uses
the `pair` fixture. Processes are started once per distinct environment and kept for the session;
every test still gets fresh Redis keys and a reset auth server from the root conftest, and processes
that hold nothing in memory from the test before (`forget_in_process`).
"""

from collections.abc import Callable, Iterator

import pytest

from tests.fixtures.authserver import LocalAuthServer

from .helpers import (
    SHARED_ENV,
    Pair,
    assert_clean_output,
    forget_in_process,
    start_servers,
    stop_servers,
)


@pytest.fixture(scope="session")
def server_pairs(
    auth_server: LocalAuthServer, django_db_setup: None
) -> Iterator[Callable[[dict[str, str]], Pair]]:
    """Return a function giving the running pair for an environment, starting it the first time,
    and holding nothing in process from an earlier test."""
    running: dict[tuple[tuple[str, str], ...], Pair] = {}

    def pair_for(env: dict[str, str]) -> Pair:
        key = tuple(sorted(env.items()))
        if key not in running:
            auth_server.start()
            first, second = start_servers(auth_server.url, env)
            running[key] = (first, second)
        forget_in_process(running[key])
        return running[key]

    yield pair_for
    assert_clean_output(stop_servers([server for pair in running.values() for server in pair]))


@pytest.fixture
def pair(
    request: pytest.FixtureRequest,
    server_pairs: Callable[[dict[str, str]], Pair],
    remote_auth: LocalAuthServer,  # names the auth server whose broadcasts the processes hear
) -> Pair:
    """Return two SaaS Admin processes running with the module's SERVER_ENV, holding nothing in
    process from an earlier test."""
    return server_pairs(getattr(request.module, "SERVER_ENV", SHARED_ENV))
