"""Concurrent first requests on PostgreSQL: one organization row, one membership per user."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from apps.organizations.models import Membership, Organization
from apps.organizations.receivers import mirror_on_verification
from core.authentication import RemoteJWTAuthentication

from .factories import ORG_A, make_identity, make_user

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def run_together(tasks: list[Callable[[], None]]) -> list[BaseException]:
    """Start every task at once (after a barrier) in its own thread; return what they raised."""
    barrier = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def run(task: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=10)
            task()
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def receive(user: Any, remote_id: str) -> Callable[[], None]:
    """Return a call of the signal receiver for one user of organization A."""
    identity = make_identity(remote_id=remote_id, org_id=ORG_A, role="user")
    return lambda: mirror_on_verification(
        sender=RemoteJWTAuthentication, user=user, identity=identity, created=True
    )


def test_first_requests_of_several_users_create_one_organization() -> None:
    users = [make_user(f"user-{n}") for n in range(THREADS)]
    errors = run_together([receive(user, user.username) for user in users])
    assert errors == []
    assert Organization.objects.filter(remote_id=ORG_A).count() == 1
    assert Membership.objects.filter(organization__remote_id=ORG_A, is_active=True).count() == len(
        users
    )


def test_parallel_first_requests_of_one_user_create_one_membership() -> None:
    user = make_user("user-1")
    errors = run_together([receive(user, "user-1") for _ in range(THREADS)])
    assert errors == []
    assert Organization.objects.count() == 1
    assert Membership.objects.filter(user=user).count() == 1
