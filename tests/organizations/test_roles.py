"""Roles: their order and how a role named by the auth server is recognised."""

import pytest

from apps.organizations.roles import Role, at_least, known_role

ORDER = ["viewer", "user", "manager", "admin", "owner"]


@pytest.mark.parametrize(("role", "minimum"), [(r, m) for r in ORDER for m in ORDER])
def test_role_is_at_least_every_role_below_it(role: str, minimum: str) -> None:
    assert at_least(role, minimum) is (ORDER.index(role) >= ORDER.index(minimum))


def test_unknown_role_ranks_below_viewer() -> None:
    assert not at_least("member", "viewer")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("admin", Role.ADMIN), (" Owner ", Role.OWNER), ("VIEWER", Role.VIEWER)],
)
def test_known_role_ignores_case_and_spaces(value: str, expected: Role) -> None:
    assert known_role(value) is expected


@pytest.mark.parametrize("value", ["member", "", "superuser", None])
def test_anything_else_is_not_a_known_role(value: str | None) -> None:
    assert known_role(value) is None
