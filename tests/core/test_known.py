"""Known users: a new token of a known, unchanged user costs no database query, and every local
change ends that at once, on every instance. SaaS Admin in-process, the local auth server over
real HTTP, real Redis and PostgreSQL."""

import threading
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.authentication import RemoteJWTAuthentication
from core.denylist import Denylist, Standing
from core.entries import Verified
from core.identity import Identity
from core.invalidation import apply
from core.known import KnownUsers
from core.models import RemoteIdentity
from core.revocation import revoke_all
from core.tokens import expiry, unverified_claims
from core.verifier import Verifier
from core.wiring import default_denylist, default_known_users, default_verifier, reset_defaults
from tests.conftest import bearer

from .conftest import BrokenCache, make_cache

pytestmark = pytest.mark.django_db
VERIFY = "/api/auth/verify"


def verify(api: Any, token: str) -> Any:
    return api.get(VERIFY, **bearer(token))


def authenticate(verifier: Verifier, token: str) -> Any:
    """Return (user, auth) as `verifier`'s instance answers `token`, or raise its DRF error."""
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}"))
    return RemoteJWTAuthentication(verifier).authenticate(request)


def local_user(remote_id: str) -> Any:
    return get_user_model().objects.get(remote_identity__remote_id=remote_id)


def test_a_new_token_of_a_known_unchanged_user_costs_no_query(remote_auth, api, demo_users):
    alice = demo_users["alice"]
    assert verify(api, remote_auth.mint_token(alice.id)).status_code == 200
    token = remote_auth.mint_token(alice.id)

    with CaptureQueriesContext(connection) as queries:
        response = verify(api, token)

    assert response.status_code == 200
    assert response.json()["verification"]["source"] == "remote"
    assert [q["sql"] for q in queries.captured_queries] == []


def test_a_first_seen_user_is_mirrored_and_remembered(remote_auth, api, demo_users):
    alice = demo_users["alice"]

    assert verify(api, remote_auth.mint_token(alice.id)).status_code == 200

    look = default_known_users().look(
        default_verifier().client.me(remote_auth.mint_token(alice.id))
    )
    assert look.known is not None
    assert look.known.user["id"] == local_user(alice.id).pk


def test_a_first_seen_user_is_written_in_one_transaction(remote_auth, api, demo_users):
    with CaptureQueriesContext(connection) as queries:
        assert verify(api, remote_auth.mint_token(demo_users["alice"].id)).status_code == 200

    sql = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    writes = [i for i, word in enumerate(sql) if word in ("INSERT", "UPDATE", "DELETE")]
    opened, closed = sql.index("SAVEPOINT"), len(sql) - 1 - sql[::-1].index("RELEASE")
    assert writes
    assert opened < min(writes)  # one (outer) transaction holds them all
    assert max(writes) < closed
    assert sql[:opened].count("SELECT") <= 1  # the denylist, before it


def test_a_changed_identity_is_written(remote_auth, api, demo_users):
    alice = demo_users["alice"]
    verify(api, remote_auth.mint_token(alice.id))
    remote_auth.update_user(alice.id, email="alice.new@acme.test")

    body = verify(api, remote_auth.mint_token(alice.id)).json()

    assert body["user"]["email"] == "alice.new@acme.test"
    assert local_user(alice.id).email == "alice.new@acme.test"
    with CaptureQueriesContext(connection) as queries:
        assert verify(api, remote_auth.mint_token(alice.id)).status_code == 200
    assert queries.captured_queries == []


def test_a_local_deactivation_refuses_new_and_cached_tokens_on_every_instance(
    remote_auth, demo_users
):
    alice = demo_users["alice"]
    other = default_verifier()  # another instance: its own in-process level, the same Redis
    reset_defaults()
    this = default_verifier()
    cached = remote_auth.mint_token(alice.id)
    for verifier in (other, this):
        authenticate(verifier, cached)
        assert authenticate(verifier, cached)[1].source == "memory"

    user = local_user(alice.id)
    user.is_active = False
    user.save()  # as the admin does

    for verifier in (other, this):
        with pytest.raises(Exception, match="disabled"):
            authenticate(verifier, remote_auth.mint_token(alice.id))  # no broadcast needed
    with pytest.raises(Exception, match="disabled"):
        authenticate(this, cached)
    apply(other.cache, f"user {alice.id}")  # the broadcast `revoke_user` sent, delivered
    with pytest.raises(Exception, match="disabled"):
        authenticate(other, cached)


def test_a_privilege_change_shows_in_the_next_new_token(remote_auth, demo_users):
    alice = demo_users["alice"]
    authenticate(default_verifier(), remote_auth.mint_token(alice.id))
    user = local_user(alice.id)
    user.is_staff = True
    user.save()

    staff, _ = authenticate(default_verifier(), remote_auth.mint_token(alice.id))

    assert staff.is_staff


def test_a_durable_token_revocation_refuses_a_known_users_unseen_token(
    remote_auth, api, demo_users
):
    alice = demo_users["alice"]
    verify(api, remote_auth.mint_token(alice.id))
    revoked = remote_auth.mint_token(alice.id)
    default_denylist().revoke_token(revoked, expiry(unverified_claims(revoked)))

    response = verify(api, revoked)

    assert response.status_code == 401
    assert verify(api, remote_auth.mint_token(alice.id)).status_code == 200


def test_a_durable_user_revocation_refuses_older_tokens_of_a_known_user(
    remote_auth, api, demo_users
):
    alice = demo_users["alice"]
    older = remote_auth.mint_token(alice.id)
    verify(api, remote_auth.mint_token(alice.id))
    default_denylist().revoke_user(alice.id)

    assert verify(api, older).status_code == 401


def test_a_deleted_link_or_user_is_mirrored_afresh(remote_auth, api, demo_users):
    alice = demo_users["alice"]
    verify(api, remote_auth.mint_token(alice.id))
    first = local_user(alice.id).pk

    RemoteIdentity.objects.filter(remote_id=alice.id).delete()
    relinked = verify(api, remote_auth.mint_token(alice.id))
    second = local_user(alice.id).pk
    local_user(alice.id).delete()
    recreated = verify(api, remote_auth.mint_token(alice.id))

    assert (relinked.status_code, recreated.status_code) == (200, 200)
    assert len({first, second, local_user(alice.id).pk}) == 3


def test_a_link_pointed_at_another_local_user_ends_the_snapshot(remote_auth, demo_users):
    alice = demo_users["alice"]
    authenticate(default_verifier(), remote_auth.mint_token(alice.id))
    other = get_user_model().objects.create(username="someone-else")
    link = RemoteIdentity.objects.get(remote_id=alice.id)
    link.user = other
    link.save()

    user, _ = authenticate(default_verifier(), remote_auth.mint_token(alice.id))

    assert user.pk == other.pk


def test_revoking_everyone_ends_every_snapshot(remote_auth, api, demo_users):
    alice = demo_users["alice"]
    verify(api, remote_auth.mint_token(alice.id))
    revoke_all()

    with CaptureQueriesContext(connection) as queries:
        assert verify(api, remote_auth.mint_token(alice.id)).status_code == 200
    assert queries.captured_queries != []


# --- units ------------------------------------------------------------------------------------


IDENTITY = Identity(remote_id="u1", email="a@b.c")


def known_users(cache: Any, ttl: float = 60) -> KnownUsers:
    denylist = Denylist(cache.state, issuer="a", user_ttl=60, skew=5, local_ttl=5)
    return KnownUsers(cache.state, marks=cache.marks, denylist=denylist, policy="p", ttl=ttl)


def remembered(users: KnownUsers, identity: Identity = IDENTITY) -> None:
    users.remember(identity.remote_id, users.look(identity), {"id": 1}, 0, Standing(None))


def test_a_snapshot_answers_the_same_identity_with_another_expiry(vcache) -> None:
    users = known_users(vcache)
    remembered(users)

    assert users.look(Identity(remote_id="u1", email="a@b.c", expires_at=123)).known is not None
    assert users.look(Identity(remote_id="u1", email="other@b.c")).known is None


def test_another_mirroring_policy_never_reads_the_snapshot(vcache) -> None:
    users = known_users(vcache)
    remembered(users)
    users.policy = "another"

    assert users.look(IDENTITY).known is None


def test_a_mark_after_the_snapshot_ends_it(vcache) -> None:
    users = known_users(vcache)
    remembered(users)
    vcache.marks.mark("u1", revocation=False)

    assert users.look(IDENTITY).known is None


def test_without_the_shared_cache_nothing_is_remembered(clock) -> None:
    users = known_users(make_cache(BrokenCache(), clock))
    remembered(users)

    assert users.look(IDENTITY) == users.look(IDENTITY)
    assert users.look(IDENTITY).known is None
    assert users.look(IDENTITY).epoch is None


def test_off_with_a_zero_ttl(vcache) -> None:
    users = known_users(vcache, ttl=0)
    remembered(users)

    assert users.look(IDENTITY).known is None


def test_an_entry_of_a_known_user_still_carries_its_revocation_number(remote_auth, demo_users):
    alice = demo_users["alice"]
    authenticate(default_verifier(), remote_auth.mint_token(alice.id))
    token = remote_auth.mint_token(alice.id)
    authenticate(default_verifier(), token)

    entry = default_verifier().cache.get_shared(default_verifier().cache.token_key(token))

    assert isinstance(entry, Verified)
    assert not default_verifier().marks.revoked(entry)


def race_a_transaction(remote_auth: Any, remote_id: str, change: Any) -> None:
    """Run `change` in a transaction while another "process" (fresh defaults, its own database
    connection) verifies a new token of the user between the change and its commit."""
    changed, verified = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def operator() -> None:
        try:
            with transaction.atomic():
                change()
                changed.set()
                verified.wait(30)
        except BaseException as exc:  # reported by the caller
            failures.append(exc)
        finally:
            connections.close_all()

    def other_process() -> None:
        try:
            changed.wait(30)
            reset_defaults()
            authenticate(default_verifier(), remote_auth.mint_token(remote_id))  # the old rows
        except BaseException as exc:
            failures.append(exc)
        finally:
            verified.set()
            connections.close_all()

    threads = [threading.Thread(target=operator), threading.Thread(target=other_process)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    reset_defaults()


@pytest.mark.django_db(transaction=True)
def test_a_deactivation_in_a_transaction_ends_the_snapshot_read_before_its_commit(
    remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    authenticate(default_verifier(), remote_auth.mint_token(alice.id))

    def deactivate() -> None:
        user = local_user(alice.id)
        user.is_active = False
        user.save()

    race_a_transaction(remote_auth, alice.id, deactivate)

    with pytest.raises(AuthenticationFailed):
        authenticate(default_verifier(), remote_auth.mint_token(alice.id))


@pytest.mark.django_db(transaction=True)
def test_a_deletion_in_a_transaction_ends_the_snapshot_read_before_its_commit(
    remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    authenticate(default_verifier(), remote_auth.mint_token(alice.id))
    deleted = local_user(alice.id).pk

    race_a_transaction(remote_auth, alice.id, lambda: local_user(alice.id).delete())

    user, _ = authenticate(default_verifier(), remote_auth.mint_token(alice.id))
    assert user.pk != deleted  # mirrored again, not served as the deleted row
    assert get_user_model().objects.filter(pk=user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_durable_revocation_in_a_transaction_ends_the_snapshot_read_before_its_commit(
    remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    authenticate(default_verifier(), remote_auth.mint_token(alice.id))
    issued_before = remote_auth.mint_token(alice.id, claims={"iat": int(time.time()) - 60})

    race_a_transaction(remote_auth, alice.id, lambda: default_denylist().revoke_user(alice.id))

    with pytest.raises(AuthenticationFailed):
        authenticate(default_verifier(), issued_before)
