"""Logout, `authcache flush` and signed revocations reach BOTH SaaS Admin processes at once.

Each process keeps an in-process copy of a verification for LOCAL_CACHE_TTL (30 s here, so a
process that missed the Redis pub/sub broadcast would keep answering from memory); the tests wait
at most a few seconds for the asynchronous broadcast to arrive.
"""

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
import requests
from django.contrib.auth import get_user_model

from core.signing import sign
from tests.conftest import clear_shared_cache
from tests.fixtures.api_server import ROOT, ApiServer

from .helpers import ME, REVOCATION_SECRET, authcache, source, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
# Far below LOCAL_CACHE_TTL (30 s): only a missed broadcast takes that long, even on a loaded machine.
BROADCAST_WAIT = 8.0
EXP_SKEW = 5  # REMOTE_AUTH["EXP_SKEW"]: how much later than a user revocation a token must be


def cache_in_both(pair: tuple[ApiServer, ApiServer], token: str) -> None:
    """Verify `token` in both processes until each answers from its in-process level."""
    first, second = pair
    assert source(first.verify(token)) == "remote"
    assert source(second.verify(token)) == "redis"
    assert [source(first.verify(token)), source(second.verify(token))] == ["memory", "memory"]


def refused_by(server: ApiServer, token: str, code: str = "token_not_valid") -> bool:
    """Return True once `server` answers 401 with `code` for `token`."""
    response = server.verify(token)
    return response.status_code == 401 and response.json()["code"] == code


def reverified_by(server: ApiServer, token: str) -> bool:
    """Return True once `server` no longer answers `token` from its in-process copy."""
    return source(server.verify(token)) in ("remote", "redis")


def notify(server: ApiServer, payload: dict[str, str], *, stamp: int | None = None, **headers: str):
    """POST a notification signed with REVOCATION_SECRET (`headers` override the signed ones)."""
    body = json.dumps(payload).encode()
    stamp = int(time.time()) if stamp is None else stamp
    signed = {
        "X-Auth-Timestamp": str(stamp),
        "X-Auth-Signature": sign(REVOCATION_SECRET, stamp, body),
    }
    return requests.post(
        server.url + "/api/auth/revocations",
        data=body,
        headers={"Content-Type": "application/json", **signed, **headers},
        timeout=10,
    )


def manage(server: ApiServer, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `manage.py` with the servers' environment (settings, Redis prefix, auth server)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_logout_through_one_process_is_seen_by_the_other(pair, remote_auth, demo_users) -> None:
    first, second = pair
    alice = demo_users["alice"]
    session = remote_auth.login(alice.email, alice.password)
    token = session["accessToken"]
    cache_in_both(pair, token)
    calls = remote_auth.calls(ME)

    logout = first.post("/api/auth/logout", token, json={"refreshToken": session["refreshToken"]})

    assert logout.status_code == 200
    assert refused_by(first, token)
    wait_until(lambda: refused_by(second, token), timeout=BROADCAST_WAIT)
    assert remote_auth.calls(ME) == calls  # our own revocation answered, not the auth server


def test_flush_token_forgets_it_on_both_and_the_auth_server_decides(
    pair, remote_auth, demo_users
) -> None:
    first, second = pair
    token = remote_auth.mint_token(demo_users["alice"].email)
    cache_in_both(pair, token)
    calls = remote_auth.calls(ME)

    flushed = manage(first, "authcache", "flush", "--token", "-", stdin=token + "\n")

    assert flushed.returncode == 0, flushed.stderr
    assert token not in flushed.stdout + flushed.stderr
    wait_until(lambda: reverified_by(first, token) and reverified_by(second, token), BROADCAST_WAIT)
    assert remote_auth.calls(ME) == calls + 1  # asked again, once, and still valid upstream


def test_revoke_token_refuses_it_on_both_until_it_expires(pair, remote_auth, demo_users) -> None:
    first = pair[0]
    token = remote_auth.mint_token(demo_users["alice"].email)
    cache_in_both(pair, token)
    calls = remote_auth.calls(ME)

    revoked = manage(first, "authcache", "revoke", "--token", "-", stdin=token + "\n")

    assert revoked.returncode == 0, revoked.stderr
    assert token not in revoked.stdout + revoked.stderr
    wait_until(lambda: refused_everywhere(pair, token), BROADCAST_WAIT)
    assert remote_auth.calls(ME) == calls  # still valid upstream: the 401 is the revocation
    clear_shared_cache()  # Redis lost: the database still refuses it
    assert refused_everywhere(pair, token)


def test_revoke_user_refuses_her_older_tokens_but_not_a_new_login(
    pair, remote_auth, demo_users
) -> None:
    first, second = pair
    alice = demo_users["alice"]
    old = remote_auth.mint_token(alice.email)
    cache_in_both(pair, old)

    authcache("revoke", "--user", alice.id)

    wait_until(lambda: refused_everywhere(pair, old), BROADCAST_WAIT)
    clear_shared_cache()
    assert refused_everywhere(pair, old)

    def signed_in_again() -> bool:  # a token issued more than EXP_SKEW after the revocation
        new = remote_auth.mint_token(alice.email)
        return [first.verify(new).status_code, second.verify(new).status_code] == [200, 200]

    wait_until(signed_in_again, timeout=EXP_SKEW + 5, interval=0.5)


def test_flush_user_is_seen_by_both_and_spares_other_users(pair, remote_auth, demo_users) -> None:
    first, second = pair
    alice, bob = demo_users["alice"], demo_users["bob"]
    alice_token, bob_token = remote_auth.mint_token(alice.email), remote_auth.mint_token(bob.email)
    cache_in_both(pair, alice_token)
    cache_in_both(pair, bob_token)
    remote_auth.update_user(alice.id, active=False)  # the auth server now refuses her

    authcache("flush", "--user", alice.id)

    wait_until(
        lambda: refused_by(first, alice_token) and refused_by(second, alice_token), BROADCAST_WAIT
    )
    assert [source(first.verify(bob_token)), source(second.verify(bob_token))] == [
        "memory",
        "memory",
    ]


def test_flush_all_is_seen_by_both(pair, remote_auth, demo_users) -> None:
    tokens = [remote_auth.mint_token(demo_users[name].email) for name in ("alice", "bob")]
    for token in tokens:
        cache_in_both(pair, token)
    calls = remote_auth.calls(ME)

    authcache("flush", "--all")

    for server in pair:
        for token in tokens:
            wait_until(partial(reverified_by, server, token), timeout=BROADCAST_WAIT)
    assert remote_auth.calls(ME) == calls + len(tokens)  # each token re-verified once, not twice


def test_signed_revocation_reaches_both_processes(pair, remote_auth, demo_users) -> None:
    first, second = pair
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.email)
    cache_in_both(pair, token)
    remote_auth.update_user(alice.id, active=False)

    response = notify(first, {"userId": alice.id, "action": "revoke_tokens"})

    assert response.status_code == 200
    wait_until(lambda: refused_by(first, token) and refused_by(second, token), BROADCAST_WAIT)


def test_signed_disable_user_locks_her_out_of_both_processes(pair, remote_auth, demo_users) -> None:
    first, second = pair
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.email)
    cache_in_both(pair, token)

    response = notify(second, {"userId": alice.id, "action": "disable_user"})

    assert response.status_code == 200
    wait_until(
        lambda: (
            refused_by(first, token, "user_inactive") and refused_by(second, token, "user_inactive")
        ),
        BROADCAST_WAIT,
    )


def test_a_notification_is_used_once_across_processes(pair, remote_auth, demo_users) -> None:
    first, second = pair
    payload, stamp = {"userId": demo_users["bob"].id, "action": "revoke_tokens"}, int(time.time())

    accepted = notify(first, payload, stamp=stamp)
    replayed = notify(second, payload, stamp=stamp)

    assert accepted.status_code == 200
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "replayed_signature"


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"X-Auth-Signature": "sha256=" + "0" * 64}, "bad_signature"),
        ({"X-Auth-Timestamp": "not-a-number"}, "bad_signature"),
        ({"X-Auth-Timestamp": "\u00b2"}, "bad_signature"),  # a digit to str.isdigit, not to int()
        ({"X-Auth-Timestamp": "9" * 5000}, "bad_signature"),  # past int()'s digit limit
    ],
    ids=["wrong-signature", "words", "superscript-two", "5000-digits"],
)
def test_a_forged_notification_changes_nothing(pair, remote_auth, demo_users, headers, code):
    first, second = pair
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.email)
    cache_in_both(pair, token)

    response = notify(first, {"userId": alice.id, "action": "disable_user"}, **headers)

    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response.headers["WWW-Authenticate"] == 'HMAC realm="revocations"'
    assert [source(first.verify(token)), source(second.verify(token))] == ["memory", "memory"]


def test_a_stale_notification_is_refused(pair, remote_auth, demo_users) -> None:
    first, _ = pair

    response = notify(
        first, {"userId": demo_users["alice"].id, "action": "revoke_tokens"}, stamp=1_000_000
    )

    assert response.status_code == 401
    assert response.json()["code"] == "stale_signature"


# --- revocation during a slow first verification ---------------------------------------------

SLOW_ME = 2.0  # the first /me answers this late; the revocation lands meanwhile


def slow_first_verification(pair, remote_auth, token: str, revoke, *, wait: bool) -> list[int]:
    """Verify `token` on the first process while /me is slow (and on the second too, waiting on
    the first's lease, when `wait`); run `revoke()` once the call reached the auth server.
    Return the in-flight answers' statuses."""
    first, second = pair
    calls = remote_auth.calls(ME)
    remote_auth.fault("delay", delay=SLOW_ME, paths=["/api/auth/me"], times=1)
    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(first.verify, token)
        wait_until(lambda: remote_auth.calls(ME) > calls, timeout=10)
        waiters = [pool.submit(second.verify, token)] if wait else []
        revoke()
        return [answer.result().status_code for answer in [leader, *waiters]]


def refused_everywhere(pair, token: str) -> bool:
    """Return True when both processes refuse `token`, asked twice (memory, then Redis)."""
    return all(refused_by(server, token) for server in pair for _ in range(2))


def test_logout_during_a_slow_first_verification_wins_everywhere(
    pair, remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.email)

    # The auth server hears of the logout only after it vouched for the token: the race of #11.
    remote_auth.fault("delay", delay=SLOW_ME + 1, paths=["/api/auth/logout"], times=1)

    in_flight = slow_first_verification(
        pair,
        remote_auth,
        token,
        lambda: pair[1].post("/api/auth/logout", token, json={}),
        wait=True,
    )
    remote_auth.fault("down")  # every 401 below is our own revocation, not the auth server's

    assert in_flight == [401, 401]
    assert refused_everywhere(pair, token)


def test_signed_revocation_during_a_slow_first_verification_wins_everywhere(
    pair, remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.email)

    def revoke() -> None:
        answer = notify(pair[1], {"userId": alice.id, "action": "revoke_tokens"})
        assert answer.status_code == 200

    in_flight = slow_first_verification(pair, remote_auth, token, revoke, wait=False)
    remote_auth.update_user(alice.id, active=False)  # it vouched for her first, then disabled her

    assert in_flight == [401]
    assert refused_everywhere(pair, token)


# --- local tokens ----------------------------------------------------------------------------


def test_logout_with_a_local_token_refuses_it_and_its_refresh_everywhere(pair) -> None:
    first, second = pair
    get_user_model().objects.create_user("break-glass", password="local-pass-123")
    tokens = first.post(
        "/api/token/", json={"username": "break-glass", "password": "local-pass-123"}
    ).json()
    access, refresh = tokens["access"], tokens["refresh"]
    assert [first.verify(access).status_code, second.verify(access).status_code] == [200, 200]

    logout = second.post("/api/auth/logout", access, json={"refreshToken": refresh})

    assert logout.status_code == 200
    assert refused_everywhere(pair, access)
    refreshed = first.post("/api/token/refresh/", json={"refresh": refresh})
    assert refreshed.status_code == 401
    clear_shared_cache()  # Redis lost: the database still knows
    assert refused_everywhere(pair, access)
    assert first.post("/api/token/refresh/", json={"refresh": refresh}).status_code == 401
