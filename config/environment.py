"""Environment variables as settings: a number or flag that cannot be read names its variable."""

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

EXPECTED = {int: "a whole number", float: "a number", bool: "true or false"}
FALSE_STRINGS = ("false", "off", "no", "n", "0")


class Env(environ.Env):  # type: ignore[misc]  # django-environ has no type hints
    """django-environ's reader, whose parse errors say which variable is wrong and what it needs.

    A flag is strict: django-environ reads anything it does not know as false, so a typo such as
    `AUTH_COOKIE_SECURE=ture` would turn a protection off; an empty one is unset (its default).
    The value itself is never repeated: a misplaced secret must not reach a traceback or a log.
    """

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        if cast is bool:
            raw = self.ENVIRON.get(var)
            if raw is not None and not raw.strip():  # empty: as if unset
                if default is self.NOTSET:
                    raise _unreadable(var, cast)
                return default
            if not _flag(raw):
                raise _unreadable(var, cast)
        try:
            return super().get_value(var, cast, default, parse_default)
        except (ValueError, TypeError):
            raise _unreadable(var, cast) from None  # the parser's message quotes the value


def _flag(raw: str | None) -> bool:
    """Return True when `raw` is unset, a reference to another variable (checked in its turn), a
    whole number (0 is false), or a word django-environ reads as true or as false."""
    if raw is None or raw.startswith("$") or raw.strip().lstrip("+-").isdigit():
        return True
    return raw.strip().lower() in (*Env.BOOLEAN_TRUE_STRINGS, *FALSE_STRINGS)


def _unreadable(var: str, cast: Any) -> ImproperlyConfigured:
    needed = EXPECTED.get(cast, "in the form this setting takes")
    return ImproperlyConfigured(f"{var} is set to a value that is not {needed}")
