"""PostgreSQL connections carry connect and statement timeouts and TCP keepalives."""

from django.conf import settings

from config.settings.base import with_timeouts


def test_postgresql_gets_timeouts_and_keepalives_and_keeps_its_own_options() -> None:
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "OPTIONS": {"options": "-c search_path=x"},
    }

    options = with_timeouts(database, statement_timeout=2.5)["OPTIONS"]

    assert options["connect_timeout"] == settings.DATABASE_CONNECT_TIMEOUT
    assert options["keepalives"] == 1
    assert options["keepalives_idle"] == settings.DATABASE_KEEPALIVE
    assert options["options"] == "-c search_path=x -c statement_timeout=2500"


def test_sqlite_is_left_alone() -> None:
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    assert with_timeouts(database) == database


def test_the_test_database_uses_them() -> None:
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] >= 2
