"""Linking a first-seen identity to a local account by e-mail: only when nothing is in doubt."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from core.exceptions import UserDenied
from core.identity import Identity
from core.linking import holders
from core.models import RemoteIdentity
from core.users import UserSync

pytestmark = pytest.mark.django_db


def link_email(**options: Any) -> UserSync:
    return UserSync(provisioning="link_email", **options)


def person(email: str = "pat@corp.test", verified: bool | None = True, exact: bool = True) -> Any:
    return Identity(remote_id="r-1", email=email, email_verified=verified, email_exact=exact)


def test_a_verified_email_links_the_one_plain_account_holding_it() -> None:
    pat = get_user_model().objects.create_user("pat", email="Pat@Corp.test")

    user, created = link_email().sync(person())

    assert (user.pk, created) == (pat.pk, False)
    assert RemoteIdentity.objects.get().user_id == pat.pk


def test_emails_compare_by_unicode_case_folding() -> None:
    strasse = get_user_model().objects.create_user("s", email="STRASSE@corp.test")

    user, _ = link_email().sync(person("straße@corp.test"))

    assert user.pk == strasse.pk


@pytest.mark.parametrize("verified", [False, None])
def test_an_unverified_email_never_links(verified: bool | None) -> None:
    get_user_model().objects.create_user("pat", email="pat@corp.test")

    with pytest.raises(UserDenied):
        link_email().sync(person(verified=verified))
    assert not RemoteIdentity.objects.exists()


def test_the_operator_may_allow_unverified_emails() -> None:
    pat = get_user_model().objects.create_user("pat", email="pat@corp.test")

    user, _ = link_email(link_unverified=True).sync(person(verified=None))

    assert user.pk == pat.pk


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_staff_or_superuser_account_is_never_linked(flag: str) -> None:
    root = get_user_model().objects.create_user("root", email="root@corp.test")
    setattr(root, flag, True)
    root.save()

    with pytest.raises(UserDenied):
        link_email(link_unverified=True).sync(person("ROOT@corp.test"))
    assert not RemoteIdentity.objects.exists()


def test_a_cleaned_email_is_never_used_to_link() -> None:
    pat = get_user_model().objects.create_user("pat", email="pat@corp.test")

    user, created = link_email().sync(person(exact=False))

    assert created
    assert user.pk != pat.pk
    assert user.email == ""  # pat holds it


def test_no_match_creates_a_new_account() -> None:
    user, created = link_email().sync(person())

    assert created
    assert user.email == "pat@corp.test"


def test_the_email_key_follows_a_changed_email() -> None:
    pat = get_user_model().objects.create_user("pat", email="old@corp.test")
    pat.email = "Pat@Corp.test"
    pat.save()

    user, _ = link_email().sync(person())

    assert user.pk == pat.pk
    assert not holders("old@corp.test").exists()
