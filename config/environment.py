"""Environment variables as settings: a value that cannot be read names its variable."""

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

EXPECTED = {int: "a whole number", float: "a number", bool: "true or false"}
FALSE_STRINGS = ("false", "off", "no", "n", "0", "")


class Env(environ.Env):  # type: ignore[misc]  # django-environ has no type hints
    """django-environ's reader, whose parse errors say which variable is wrong and what it needs.

    A flag is strict: django-environ reads anything it does not know as false, so a typo such as
    `AUTH_COOKIE_SECURE=ture` would turn a protection off. The value itself is never repeated: a
    misplaced secret must not reach a traceback or a log.
    """

    def get_value(self, var: str, cast: Any = None, *args: Any, **kwargs: Any) -> Any:
        if cast is bool and not _flag(self.ENVIRON.get(var)):
            raise _unreadable(var, cast)
        try:
            return super().get_value(var, cast, *args, **kwargs)
        except (ValueError, TypeError):
            raise _unreadable(var, cast) from None  # the parser's message quotes the value


def _flag(raw: str | None) -> bool:
    """Return True when `raw` is unset, a whole number (0 is false), or a word django-environ
    reads as true or as false."""
    if raw is None or raw.strip().lstrip("+-").isdigit():
        return True
    return raw.strip().lower() in (*Env.BOOLEAN_TRUE_STRINGS, *FALSE_STRINGS)


def _unreadable(var: str, cast: Any) -> ImproperlyConfigured:
    needed = EXPECTED.get(cast, "in the form this setting takes")
    return ImproperlyConfigured(f"{var} is set to a value that is not {needed}")
