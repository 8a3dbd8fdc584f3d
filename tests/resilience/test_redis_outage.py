"""Redis stops under two SaaS Admin processes: each carries on alone (in-process level only).

Answers stay correct (200, 401 or 503 with Retry-After) and nothing is a 500. What is lost is
sharing: each process asks the auth server itself, and the breaker and budget cannot coordinate.
"""

import pytest

from .helpers import ME, assert_clean_output, source, start_servers, stop_servers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair_on_private_redis(private_redis, remote_auth):
    """Two processes whose shared cache is a Redis server the test may stop."""
    servers = start_servers(
        remote_auth.url, {"REDIS_URL": private_redis.url, "AUTH_LOCAL_CACHE_TTL": "30"}
    )
    yield servers
    assert_clean_output(stop_servers(servers))


def test_both_processes_stay_correct_without_redis(
    pair_on_private_redis, private_redis, remote_auth, demo_users
) -> None:
    first, second = pair_on_private_redis
    cached = remote_auth.mint_token(demo_users["alice"].email)
    assert source(first.verify(cached)) == "remote"
    assert source(second.verify(cached)) == "redis"
    fresh = remote_auth.mint_token(demo_users["bob"].email)
    session = remote_auth.login(demo_users["carol"].email, demo_users["carol"].password)

    private_redis.stop()
    remote_auth.reset_calls()

    assert [source(first.verify(cached)), source(second.verify(cached))] == ["memory", "memory"]
    assert [source(first.verify(fresh)), source(first.verify(fresh))] == ["remote", "memory"]
    assert source(second.verify(fresh)) == "remote"  # nothing shared: it asks for itself
    assert remote_auth.calls(ME) == 2
    garbage = first.verify("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    assert garbage.status_code == 401
    assert garbage.json()["code"] == "token_not_valid"

    logout = first.post("/api/auth/logout", session["accessToken"])
    assert logout.status_code == 200
    assert first.verify(session["accessToken"]).status_code == 401

    remote_auth.fault("down")
    uncached = remote_auth.mint_token(demo_users["alice"].email)
    for server in pair_on_private_redis:
        response = server.verify(uncached)
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) >= 1
        assert source(server.verify(cached)) == "memory"


@pytest.fixture
def throttled_on_private_redis(private_redis, remote_auth):
    """One process (its in-process counts are the whole story) with low password-login rates."""
    env = {
        "REDIS_URL": private_redis.url,
        "LOGIN_THROTTLE_RATE": "4/min",
        "LOGIN_ACCOUNT_THROTTLE_RATE": "2/min",
    }
    (server,) = start_servers(remote_auth.url, env, count=1)
    yield server
    assert_clean_output(stop_servers([server]))


@pytest.mark.parametrize(
    ("path", "account"),
    [("/api/token/", {"username": "breakglass"}), ("/api/auth/login", {"email": "a@b.test"})],
)
def test_password_guessing_stays_throttled_while_redis_is_down(
    throttled_on_private_redis, private_redis, path, account
) -> None:
    private_redis.stop()

    answers = [
        throttled_on_private_redis.post(path, json={**account, "password": f"guess-{n}"})
        for n in range(3)
    ]

    assert [response.status_code for response in answers[:2]] == [401, 401]
    assert answers[2].status_code == 429
    assert answers[2].json()["code"] == "throttled"
    assert int(answers[2].headers["Retry-After"]) >= 1
