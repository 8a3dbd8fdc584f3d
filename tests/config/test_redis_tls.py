"""Redis over TLS (rediss:// with REDIS_TLS_*): a private redis-server that speaks TLS only.

Its certificate comes from a CA made at test time, and it asks clients for a certificate of the same
CA (tls-auth-clients yes), so both REDIS_TLS_CA_CERTS and REDIS_TLS_CERTFILE / _KEYFILE are used.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PrivateRedis
from tests.fixtures.ports import reserved_port
from tests.fixtures.tls import ServerFiles, loopback_certificate
from tests.resilience.helpers import assert_clean_output, source, start_servers, stop_servers

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tls_files(tmp_path: Path) -> ServerFiles:
    return loopback_certificate(tmp_path)


@pytest.fixture
def tls_redis(tls_files: ServerFiles, tmp_path: Path) -> Iterator[PrivateRedis]:
    """Yield a redis-server answering TLS only (no plain port), clients showing a certificate."""
    port = reserved_port()
    server = PrivateRedis(
        "--port", "0", "--tls-port", str(port), "--dir", str(tmp_path),
        "--tls-cert-file", str(tls_files.cert), "--tls-key-file", str(tls_files.key),
        "--tls-ca-cert-file", str(tls_files.ca), "--tls-auth-clients", "yes",
        port=port, ssl=True, ssl_ca_certs=str(tls_files.ca),
        ssl_certfile=str(tls_files.cert), ssl_keyfile=str(tls_files.key),
    )  # fmt: skip
    yield server
    server.stop()


def tls_env(server: PrivateRedis, files: ServerFiles, ca: Path) -> dict[str, str]:
    """Return SaaS Admin's environment for `server` over TLS, trusting the CA in `ca`."""
    return {
        "REDIS_URL": f"rediss://127.0.0.1:{server.port}/0",
        "REDIS_TLS_CA_CERTS": str(ca),
        "REDIS_TLS_CERTFILE": str(files.cert),
        "REDIS_TLS_KEYFILE": str(files.key),
    }


def test_a_verification_round_trips_through_redis_over_tls(
    tls_redis: PrivateRedis, tls_files: ServerFiles, remote_auth: Any, demo_users: Any
) -> None:
    servers = start_servers(remote_auth.url, tls_env(tls_redis, tls_files, tls_files.ca))
    try:
        token = remote_auth.mint_token(demo_users["alice"].email)
        first, second = servers
        assert [source(first.verify(token)), source(second.verify(token))] == ["remote", "redis"]
        assert tls_redis.client.dbsize() > 0
    finally:
        assert_clean_output(stop_servers(servers))


def test_a_redis_certificate_of_another_ca_is_an_outage_not_a_connection(
    tls_redis: PrivateRedis, tls_files: ServerFiles, remote_auth: Any, demo_users: Any, tmp_path
) -> None:
    other = loopback_certificate(tmp_path / "other", "some other CA")
    (server,) = start_servers(remote_auth.url, tls_env(tls_redis, tls_files, other.ca), count=1)
    try:
        token = remote_auth.mint_token(demo_users["alice"].email)
        assert source(server.verify(token)) == "remote"
        assert tls_redis.client.dbsize() == 0  # nothing was stored: the handshake failed
    finally:
        assert_clean_output(stop_servers([server]))
