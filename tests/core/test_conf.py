"""remote_auth_settings: defaults, in-place reload on override, dotted-path hooks."""

import pytest
from django.test import override_settings

from core.conf import DEFAULTS, remote_auth_settings
from core.users import UserSync


class CustomSync(UserSync):
    """A user-mirroring policy configured by dotted path."""


def test_defaults_fill_what_remote_auth_does_not_set(settings):
    settings.REMOTE_AUTH = {"BASE_URL": "http://auth.test:4000"}

    assert remote_auth_settings.BASE_URL == "http://auth.test:4000"
    assert remote_auth_settings.CACHE_PREFIX == "remoteauth:v1"
    assert remote_auth_settings.POSITIVE_TTL == 60
    assert remote_auth_settings.NEGATIVE_TTL == 10
    assert remote_auth_settings.EXP_SKEW == 5
    assert remote_auth_settings.LOCAL_CACHE_TTL == 5
    assert remote_auth_settings.GRACE_SECONDS == 0
    assert remote_auth_settings.HASH_KEY is None
    assert remote_auth_settings.PROVISIONING == "create"


def test_every_default_is_used_for_an_empty_remote_auth(settings):
    settings.REMOTE_AUTH = {}

    for name, default in DEFAULTS.items():
        if name != "USER_SYNC_CLASS":
            assert getattr(remote_auth_settings, name) == default


def test_missing_remote_auth_means_defaults(settings):
    del settings.REMOTE_AUTH  # sends no setting_changed, so reload by hand both ways
    remote_auth_settings.reload()
    try:
        assert DEFAULTS["BASE_URL"] == remote_auth_settings.BASE_URL
    finally:
        remote_auth_settings.reload()


def test_project_settings_are_read(settings):
    assert settings.REMOTE_AUTH["LOCAL_ISSUER"] == remote_auth_settings.LOCAL_ISSUER
    assert settings.REMOTE_AUTH["BASE_URL"] == remote_auth_settings.BASE_URL


def test_override_reloads_the_same_object_in_place(settings):
    settings_object = remote_auth_settings
    assert settings.REMOTE_AUTH["POSITIVE_TTL"] == remote_auth_settings.POSITIVE_TTL

    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "POSITIVE_TTL": 99}

    assert remote_auth_settings is settings_object
    assert remote_auth_settings.POSITIVE_TTL == 99


def test_leaving_an_override_restores_the_previous_value():
    before = remote_auth_settings.NEGATIVE_TTL

    with override_settings(REMOTE_AUTH={"NEGATIVE_TTL": before + 7}):
        assert before + 7 == remote_auth_settings.NEGATIVE_TTL

    assert before == remote_auth_settings.NEGATIVE_TTL


def test_unrelated_setting_changes_keep_cached_values(settings):
    remote_auth_settings.POSITIVE_TTL  # noqa: B018  (cache it)

    settings.TIME_ZONE = "Europe/Paris"

    assert "POSITIVE_TTL" in remote_auth_settings.__dict__


def test_invalid_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="NOT_A_SETTING"):
        remote_auth_settings.NOT_A_SETTING  # noqa: B018

    assert not hasattr(remote_auth_settings, "POSITIVE_TTL_TYPO")


def test_user_sync_class_defaults_to_the_imported_class():
    assert remote_auth_settings.USER_SYNC_CLASS is UserSync


def test_user_sync_class_is_imported_from_a_dotted_path(settings):
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "USER_SYNC_CLASS": "tests.core.test_conf.CustomSync",
    }

    assert remote_auth_settings.USER_SYNC_CLASS is CustomSync


def test_user_sync_class_may_be_given_as_a_class(settings):
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "USER_SYNC_CLASS": CustomSync}

    assert remote_auth_settings.USER_SYNC_CLASS is CustomSync


def test_bad_dotted_path_raises_import_error(settings):
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "USER_SYNC_CLASS": "core.users.NoSuchClass"}

    with pytest.raises(ImportError):
        remote_auth_settings.USER_SYNC_CLASS  # noqa: B018
