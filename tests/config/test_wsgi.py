"""The WSGI and ASGI entry points, each loaded in a fresh interpreter as a server loads it."""

import pytest

from .fresh import fresh

PROBE = (
    "import gc; import config.{} as w; "
    "print(callable(w.application), gc.get_freeze_count() > 10_000, 'apps.gateway.views' in "
    "__import__('sys').modules, __import__('os').getpid() in __import__('core.invalidation')"
    ".invalidation._started)"
)


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_the_loaded_application_is_frozen_and_listens_for_invalidations(entry) -> None:
    """Frozen out of the garbage collector's reach, and subscribed before its first request (a copy
    taken then is covered by broadcasts)."""
    result = fresh("config.settings.test", "-c", PROBE.format(entry))

    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr
