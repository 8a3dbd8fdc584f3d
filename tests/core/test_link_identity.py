"""`manage.py link_identity`: an operator links what mirroring refuses to link by e-mail."""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core.identity import Identity
from core.models import RemoteIdentity
from core.users import UserSync

pytestmark = pytest.mark.django_db


def link(*args: str) -> str:
    out = StringIO()
    call_command("link_identity", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def root() -> Any:
    return get_user_model().objects.create_superuser("root", "root@corp.test", "root-password-1")


def test_links_a_superuser_under_the_configured_issuer(root: Any) -> None:
    assert "linked root to local:r-1" in link("root", "r-1")

    user, created = UserSync(provisioning="deny").sync(Identity(remote_id="r-1"))

    assert (user.pk, created) == (root.pk, False)


def test_links_under_another_issuer(root: Any) -> None:
    link("root", "r-1", "--issuer", "staging")

    assert RemoteIdentity.objects.get(user=root).issuer == "staging"


def test_refuses_an_unknown_account() -> None:
    with pytest.raises(CommandError, match="no local account 'nobody'"):
        link("nobody", "r-1")


def test_refuses_a_remote_user_linked_to_another_account(root: Any) -> None:
    UserSync().sync(Identity(remote_id="r-1"))

    with pytest.raises(CommandError, match="linked to another account"):
        link("root", "r-1")
    assert not RemoteIdentity.objects.filter(user=root).exists()


def test_refuses_an_account_linked_already(root: Any) -> None:
    link("root", "r-1")

    with pytest.raises(CommandError, match="is linked to"):
        link("root", "r-2")
