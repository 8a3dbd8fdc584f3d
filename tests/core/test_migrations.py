"""The identity migrations move existing rows: links to the configured issuer, memberships' origin."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0001_initial"), ("organizations", "0001_initial")]
AFTER = [("core", "0002_issuer_and_email_key"), ("organizations", "0002_membership_origin")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db: Any) -> Iterator[Any]:
    yield migrate(BEFORE)
    migrate(executor_leaves())


def executor_leaves() -> list[tuple[str, str]]:
    leaves: list[tuple[str, str]] = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return leaves


def test_existing_rows_move_to_the_configured_issuer_and_origin(
    old_schema: Any, settings: Any
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "ISSUER_ID": "production"}
    user_model = old_schema.get_model("auth", "User")
    link_model = old_schema.get_model("core", "RemoteIdentity")
    org_model = old_schema.get_model("organizations", "Organization")
    membership_model = old_schema.get_model("organizations", "Membership")
    mirrored = user_model.objects.create(username="u1", email="Pat@Corp.test")
    staff_made = user_model.objects.create(username="plain", email="")
    link_model.objects.create(user=mirrored, remote_id="u1", organization_id="org-a")
    org_a, org_b, org_c = (org_model.objects.create(remote_id=f"org-{c}") for c in "abc")
    membership_model.objects.create(user=mirrored, organization=org_a, is_active=True)
    membership_model.objects.create(user=mirrored, organization=org_b, is_active=False)
    membership_model.objects.create(user=mirrored, organization=org_c, is_active=True)
    membership_model.objects.create(user=staff_made, organization=org_a, is_active=True)

    new = migrate(AFTER)

    link = new.get_model("core", "RemoteIdentity").objects.get()
    assert (link.issuer, link.remote_id) == ("production", "u1")
    keys = dict(new.get_model("core", "EmailKey").objects.values_list("user_id", "key"))
    assert keys == {mirrored.pk: "pat@corp.test", staff_made.pk: ""}
    origins = {
        (m.user_id, m.organization.remote_id): m.origin
        for m in new.get_model("organizations", "Membership").objects.select_related("organization")
    }
    assert origins == {
        (mirrored.pk, "org-a"): "auth_server",
        (mirrored.pk, "org-b"): "auth_server",
        (mirrored.pk, "org-c"): "local",
        (staff_made.pk, "org-a"): "local",
    }
