"""System checks: each remote_auth id fires on its bad configuration and not on the good one."""

import pytest
from django.core.checks import ERROR, WARNING
from django.core.checks.registry import registry

from core.checks import check_remote_auth

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"
REMOTE_CLASS = "core.authentication.RemoteJWTAuthentication"
LOCAL_CLASS = "rest_framework_simplejwt.authentication.JWTAuthentication"


@pytest.fixture(autouse=True)
def good(settings):
    """Start from a configuration that passes every check, as a production deployment would."""
    settings.DEBUG = False
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": "https://auth.example.com",
        "CACHE_ALIAS": "default",
        "POSITIVE_TTL": 60,
        "NEGATIVE_TTL": 10,
        "CONNECT_TIMEOUT": 1.0,
        "READ_TIMEOUT": 3.0,
        "PROVISIONING": "create",
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_AUTHENTICATION_CLASSES": [REMOTE_CLASS, LOCAL_CLASS],
    }
    return settings


def configure(settings, **remote_auth) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, **remote_auth}


def ids() -> list[str | None]:
    return [message.id for message in check_remote_auth()]


def only(check_id: str):
    messages = check_remote_auth()
    assert [message.id for message in messages] == [check_id]
    return messages[0]


def test_good_configuration_has_no_messages():
    assert check_remote_auth() == []


def test_check_is_registered_with_django():
    assert check_remote_auth in registry.get_checks()


# --- E001 / W001: the URL ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["", None, 4000, "localhost:4000", "auth.example.com", "ftp://auth:21", "http://", "http:///x"],
)
def test_e001_fires_on_a_missing_or_non_http_url(settings, url):
    configure(settings, BASE_URL=url)

    message = only("remote_auth.E001")
    assert message.level == ERROR
    assert message.hint


def test_e001_fires_on_an_unparseable_url_instead_of_crashing(settings):
    configure(settings, BASE_URL="http://[::1:4000")

    assert ids() == ["remote_auth.E001"]


@pytest.mark.parametrize(
    "url", ["http://localhost:4000", "https://auth.example.com", "http://127.0.0.1:9/"]
)
def test_e001_is_quiet_on_an_http_url(settings, url):
    configure(settings, BASE_URL=url)

    assert "remote_auth.E001" not in ids()


def test_w001_fires_on_plain_http_to_a_remote_host_in_production(settings):
    configure(settings, BASE_URL="http://auth.internal:4000")

    message = only("remote_auth.W001")
    assert message.level == WARNING


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4000",
        "http://127.0.0.1:4000",
        "http://[::1]:4000",
        "https://auth.internal:4000",
    ],
)
def test_w001_is_quiet_on_loopback_or_https(settings, url):
    configure(settings, BASE_URL=url)

    assert ids() == []


def test_w001_is_quiet_in_debug(settings):
    settings.DEBUG = True
    configure(settings, BASE_URL="http://auth.internal:4000")

    assert ids() == []


# --- E002 / W002: the cache ----------------------------------------------------------------


def test_e002_fires_on_a_missing_cache_alias(settings):
    configure(settings, CACHE_ALIAS="no-such-cache")

    assert only("remote_auth.E002").level == ERROR


@pytest.mark.parametrize("backend", [LOCMEM, DUMMY])
def test_w002_fires_on_a_per_process_cache_in_production(settings, backend):
    settings.CACHES = {**settings.CACHES, "local": {"BACKEND": backend}}
    configure(settings, CACHE_ALIAS="local")

    assert only("remote_auth.W002").level == WARNING


def test_w002_is_quiet_in_debug(settings):
    settings.DEBUG = True
    settings.CACHES = {**settings.CACHES, "local": {"BACKEND": LOCMEM}}
    configure(settings, CACHE_ALIAS="local")

    assert ids() == []


# --- E003 / E004 / E005: values ------------------------------------------------------------


@pytest.mark.parametrize("negative", [60, 61])
def test_e003_fires_when_negative_ttl_is_not_below_positive_ttl(settings, negative):
    configure(settings, NEGATIVE_TTL=negative)

    assert only("remote_auth.E003").level == ERROR


def test_e003_is_quiet_when_negative_ttl_is_below(settings):
    configure(settings, NEGATIVE_TTL=59)

    assert ids() == []


@pytest.mark.parametrize(
    "timeouts",
    [{"CONNECT_TIMEOUT": 0}, {"READ_TIMEOUT": -1}, {"CONNECT_TIMEOUT": 0, "READ_TIMEOUT": 0}],
)
def test_e004_fires_on_a_timeout_that_is_not_positive(settings, timeouts):
    configure(settings, **timeouts)

    assert only("remote_auth.E004").level == ERROR


def test_e004_is_quiet_on_small_positive_timeouts(settings):
    configure(settings, CONNECT_TIMEOUT=0.01, READ_TIMEOUT=0.01)

    assert ids() == []


@pytest.mark.parametrize("mode", ["", "allow", "CREATE", None])
def test_e005_fires_on_an_unknown_provisioning_mode(settings, mode):
    configure(settings, PROVISIONING=mode)

    assert only("remote_auth.E005").level == ERROR


@pytest.mark.parametrize("mode", ["create", "link_email", "deny"])
def test_e005_is_quiet_on_known_modes(settings, mode):
    configure(settings, PROVISIONING=mode)

    assert ids() == []


@pytest.mark.parametrize("issuer", ["", "   ", "x" * 65, None])
def test_e010_fires_on_a_missing_or_oversized_issuer_id(settings, issuer):
    configure(settings, ISSUER_ID=issuer)

    assert only("remote_auth.E010").level == ERROR


# --- W003: authentication order ------------------------------------------------------------


@pytest.mark.parametrize("classes", [[LOCAL_CLASS, REMOTE_CLASS], [LOCAL_CLASS], []])
def test_w003_fires_when_remote_authentication_is_not_first(settings, classes):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_AUTHENTICATION_CLASSES": classes}

    message = only("remote_auth.W003")
    assert message.level == WARNING
    assert message.hint


def test_w003_fires_when_authentication_classes_are_not_configured(settings):
    settings.REST_FRAMEWORK = {
        key: value
        for key, value in settings.REST_FRAMEWORK.items()
        if key != "DEFAULT_AUTHENTICATION_CLASSES"
    }

    assert ids() == ["remote_auth.W003"]


def test_several_problems_are_all_reported(settings):
    configure(settings, BASE_URL="ftp://x", NEGATIVE_TTL=90, PROVISIONING="maybe")

    assert ids() == ["remote_auth.E001", "remote_auth.E003", "remote_auth.E005"]


# --- E006 / E007: who may spend what ---------------------------------------------------------


def test_e006_fires_on_an_unknown_token_format(settings):
    configure(settings, TOKEN_FORMAT="paseto")

    assert only("remote_auth.E006").level == ERROR


def test_e007_fires_on_a_malformed_trusted_proxy(settings):
    configure(settings, TRUSTED_PROXIES=["10.0.0.0/8", "gateway.internal"])

    assert only("remote_auth.E007").level == ERROR


def test_trusted_proxies_and_both_token_formats_pass(settings):
    for token_format in ("jwt", "opaque"):
        configure(settings, TOKEN_FORMAT=token_format, TRUSTED_PROXIES=["10.0.0.0/8", "::1"])

        assert ids() == []


# --- E020 / E021: verification mode ---------------------------------------------------------


def test_e020_fires_on_an_unknown_verify_mode(settings):
    configure(settings, VERIFY_MODE="local")

    assert only("remote_auth.E020").level == ERROR


@pytest.mark.parametrize(
    "extra",
    [{"JWT_ALGORITHMS": ["HS256", "none"]}, {"TOKEN_FORMAT": "opaque"}],
)
def test_e021_fires_when_jwks_mode_cannot_check_anything(settings, extra):
    configure(settings, VERIFY_MODE="jwks", **extra)

    assert only("remote_auth.E021").level == ERROR


@pytest.mark.parametrize("mode", ["remote", "jwks", "hybrid"])
def test_every_verify_mode_is_quiet_with_the_defaults(settings, mode):
    configure(settings, VERIFY_MODE=mode)

    assert ids() == []
