"""Gateway fixtures: each test starts with this process's membership-role cache empty."""

from collections.abc import Iterator

import pytest

from apps.gateway.forward import member_roles


@pytest.fixture(autouse=True)
def _fresh_member_roles() -> Iterator[None]:
    member_roles().clear()
    yield
    member_roles().clear()
